"""Fetch paper listings from the network into folders that ``kg build`` reads.

``kg.fetch.http``      one polite HTTP client: retry policy (503/429 + ``Retry-After``), delay between requests
``kg.fetch.state``     the small JSON state file that makes a harvest resumable
``kg.fetch.oai``       arXiv OAI-PMH ``ListRecords`` harvests (pages read by the ``arxiv-oai`` reader)
``kg.fetch.arxiv_api`` arXiv search API queries (Atom pages read by the ``arxiv-atom`` reader)
``kg.fetch.hf_daily``  Hugging Face Daily Papers JSON, one JSON Lines file per day (read by the ``jsonl`` reader)

Every page is written atomically (temporary file + rename) as soon as it arrives, and the state file is updated
after it, so an interrupted run (network failure, Ctrl-C, kill) resumes where it stopped and ends with the same
files as an uninterrupted one.
"""
