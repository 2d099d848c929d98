"""`python -m studentflow.gx` == `studentflow gx`."""

import sys

from studentflow.gx.cli import main

sys.exit(main())
