"""REFI-QDA exchange: reading a `.qdpx` project safely (`archive`, `project`, `positions`), mapping it
to the contract (`maps`, `qdpx`) and the codebook as a `.qdc` (`qdc`). May import `core`, `codebook`,
`store`.
"""
