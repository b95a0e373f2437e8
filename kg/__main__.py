"""``python -m kg`` is the same as the ``kg`` console script."""

from kg.cli import main

raise SystemExit(main())
