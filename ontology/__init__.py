"""The ontology data (schema, cue phrases, typing, gazetteers), installed as the package data of ``kg.ontology``.

The folder sits at the top of the repository; ``pyproject.toml`` maps it to ``kg.ontology``. Read it through
:func:`kg.paths.ontology_dir`, which also honours ``KG_ONTOLOGY``.
"""
