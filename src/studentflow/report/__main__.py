"""`python -m studentflow.report` == `studentflow report`."""

import sys

from . import main

sys.exit(main())
