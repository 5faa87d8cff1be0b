# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which host each attempt goes to: Agora's domain failover, or the URLs a task names.

Private to the agora.cloud_recording collection: not an API, may change in any release.

Agora's integration guide (docs/agora-api-facts.md, "Domain failover"): when a request gets no answer, retry the same
primary domain, then the other primary (``api.agora.io`` and ``api.sd-rtn.com`` back each other up), then a regional
host next to the caller; when the failure is not DNS, skip the other primary and go to the regional host. Only the
failure to get an HTTP answer moves on: an answer, whatever its status, comes from Agora's service and is retried
where it came from. The host that answered is kept for the calls that follow.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ansible_collections.agora.cloud_recording.plugins.module_utils._transport import Failure

# Agora's two global domains, and the regional hosts under either of them, by the region names Agora uses in acquire.
SD_RTN = 'sd-rtn.com'
AGORA_IO = 'agora.io'
REGIONAL_PREFIXES = {
    'NA': ('api-us-west-1', 'api-us-east-1'),
    'EU': ('api-eu-west-1', 'api-eu-central-1'),
    'AP': ('api-ap-southeast-1', 'api-ap-northeast-1'),
    'CN': ('api-cn-east-1', 'api-cn-north-1'),
}
REGIONS = tuple(REGIONAL_PREFIXES)


@dataclass(frozen=True)
class Host:
    url: str
    # primary: the first domain; alternate: the other global domain; regional: a host of the caller's region;
    # named: a URL the task gave.
    role: str


def agora_hosts(region: str | None) -> list[Host]:
    """Agora's hosts in failover order: the primary domain for the region (``api.sd-rtn.com`` in mainland China and
    when no region is given, ``api.agora.io`` elsewhere), the other one, then the region's hosts under both."""
    suffixes = (AGORA_IO, SD_RTN) if region and region != 'CN' else (SD_RTN, AGORA_IO)
    hosts = [Host('https://api.%s' % suffixes[0], 'primary'), Host('https://api.%s' % suffixes[1], 'alternate')]
    for suffix in suffixes:
        hosts += [Host('https://%s.%s' % (prefix, suffix), 'regional') for prefix in REGIONAL_PREFIXES.get(region or '', ())]
    return hosts


def named_hosts(urls: list[str]) -> list[Host]:
    """The URLs a task names (``api_base_url`` then ``fallback_base_urls``): tried in that order, nothing else."""
    return [Host(url, 'named') for url in urls]


class Failover:
    """Chooses the host of each attempt; shared by every worker of a run."""

    def __init__(self, hosts: list[Host]) -> None:
        self.hosts = hosts
        self._current = 0
        self._lock = threading.Lock()

    @property
    def urls(self) -> list[str]:
        return [host.url for host in self.hosts]

    def first(self) -> int:
        """Where a call starts: the host that answered last (the primary until one did)."""
        with self._lock:
            return self._current

    def answered(self, index: int) -> None:
        with self._lock:
            self._current = index

    def after(self, index: int, failure: Failure, tries_here: int) -> int:
        """The host for the next attempt of a call whose attempt on host ``index`` got no answer for ``failure``.

        A primary is tried twice (Agora's "primary domain retry"); after that a DNS failure moves to the next host in
        order and any other failure skips the alternate domain for the next regional host. With no regional host
        left, the walk starts over from the beginning. URLs the task named are simply taken in turn.
        """
        host = self.hosts[index]
        if host.role == 'named':
            return (index + 1) % len(self.hosts)
        if host.role == 'primary' and tries_here < 2:
            return index
        following = list(range(index + 1, len(self.hosts)))
        if failure != Failure.DNS:
            regional = [later for later in following if self.hosts[later].role == 'regional']
            following = regional or following
        return following[0] if following else 0
