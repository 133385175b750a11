"""The benchmark (`python -m dashboard bench`, `make bench`): generate a program's data at a scale, import
it and time every page (`runner`), the operations (`operations`) and scorecard steps
(`scorecard_steps`). May import everything but the command line's entry.
"""
