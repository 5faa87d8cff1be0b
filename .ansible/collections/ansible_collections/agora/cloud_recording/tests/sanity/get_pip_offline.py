# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Stands in for the get-pip.py that ansible-test downloads before it builds a venv (ansible/ansible#77304).

ansible-test runs this file as get-pip.py with pip's arguments (the packages to install, --no-setuptools, --no-wheel).
Pip comes from the standard library's ensurepip instead of a download; the environment is kept, so a configured
index and certificate still apply.
"""

from __future__ import annotations

import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
pip_arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_OPTIONS]
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + pip_arguments)
