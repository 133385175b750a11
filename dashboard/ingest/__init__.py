"""Getting data in: reading files (`reader`), checking a batch (`checker`), writing it in one transaction
(`writer`), the import itself (`importer`), `.qdpx` projects as contract frames (`qdpx_frames`), the
Data page's uploads (`uploads`), the import templates (`templates`) and what is loaded (`summary`).
May import layers 1-3.
"""
