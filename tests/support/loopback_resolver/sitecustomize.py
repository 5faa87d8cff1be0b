# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Loopback-only name resolution for a test's child process (see README.md in this directory).

Python imports ``sitecustomize`` at start-up from the first directory on its path that has one; put this directory on
PYTHONPATH and set AGORA_TEST_RESOLVE to JSON ``{"api.sd-rtn.com": 41234, "api.agora.io": null}``:

- a mapped name resolves to 127.0.0.1 with the mapped port, whatever port the caller asked for (443, usually);
- a name mapped to null fails as DNS does (``socket.gaierror``);
- loopback names (localhost) and IP literals resolve as usual;
- every other name fails with ``socket.gaierror``: nothing in the process reaches a real resolver.

Without AGORA_TEST_RESOLVE the process is left alone. Another sitecustomize further down the path still runs.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket

LOOPBACK_NAMES = frozenset(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback'])


def _install(mapping: dict[str, int | None]) -> None:
    names = {str(name).lower().rstrip('.'): port for name, port in mapping.items()}
    real_getaddrinfo = socket.getaddrinfo

    def refuse(host: object) -> socket.gaierror:
        return socket.gaierror(socket.EAI_NONAME, 'Name or service not known (loopback resolver: %s)' % (host,))

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002  pylint: disable=redefined-builtin
        name = host.decode('idna') if isinstance(host, (bytes, bytearray)) else host
        if name is None:
            return real_getaddrinfo(host, port, family, type, proto, flags)
        key = name.lower().rstrip('.')
        if key in names:
            mapped = names[key]
            if mapped is None:
                raise refuse(name)
            if family not in (0, socket.AF_INET):
                raise socket.gaierror(socket.EAI_FAMILY, 'loopback resolver: %s maps to 127.0.0.1 only' % name)
            return real_getaddrinfo('127.0.0.1', mapped, socket.AF_INET, type, proto, flags)
        if key in LOOPBACK_NAMES or _is_ip_literal(name):
            return real_getaddrinfo(host, port, family, type, proto, flags)
        raise refuse(name)

    def gethostbyname(host):
        return getaddrinfo(host, None, socket.AF_INET, socket.SOCK_STREAM)[0][4][0]

    def gethostbyname_ex(host):
        addresses = sorted({item[4][0] for item in getaddrinfo(host, None, socket.AF_INET, socket.SOCK_STREAM)})
        return host, [], addresses

    getaddrinfo.loopback_resolver = names  # type: ignore[attr-defined]  (lets a test check the shim is in place)
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.gethostbyname_ex = gethostbyname_ex


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _chain() -> None:
    """Run the sitecustomize this one shadows, if any (a distribution's, or a coverage tool's)."""
    import importlib.machinery
    import importlib.util
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    path = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec('sitecustomize', path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    # site.py, too, goes on past a broken sitecustomize.
    except Exception:  # noqa: BLE001  pylint: disable=broad-except
        pass


_SPEC = os.environ.get('AGORA_TEST_RESOLVE')
if _SPEC is not None:
    _install(json.loads(_SPEC))
_chain()
