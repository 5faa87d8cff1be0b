# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # Options shared by every module that calls Agora's REST API (see connection_argument_spec()).
    DOCUMENTATION = r'''
options:
  customer_id:
    description:
      - The customer ID of the RESTful API key pair from Agora Console (Developer Toolkit, RESTful API).
      - Required. If not set, the value of the E(AGORA_CUSTOMER_ID) environment variable is used.
      - Surrounding whitespace is removed, whichever the source. Printable ASCII without spaces or colons only, as
        HTTP Basic authentication carries it.
    type: str
  customer_secret:
    description:
      - The customer secret that goes with O(customer_id). It is never shown in any output, warning, error or log.
      - Required. If not set, the value of the E(AGORA_CUSTOMER_SECRET) environment variable is used, and if that is
        not set either, the contents of O(customer_secret_file).
      - Surrounding whitespace is removed, whichever the source. Printable ASCII without spaces only.
      - Its derived forms (C(customer_id:customer_secret) and their base64 Basic token) are masked too, wherever a
        server echoes them, also re-encoded (URL-safe or unpadded base64, JSON-escaped, URL-encoded).
    type: str
  customer_secret_file:
    description:
      - A file holding the customer secret and nothing else, read when O(customer_secret) is not set (as the AWX
        credential type in C(extensions/awx/credential_type.yml) injects it, so that the secret is not in the job's
        environment).
      - If not set, the value of the E(AGORA_CUSTOMER_SECRET_FILE) environment variable is used.
      - It must be a regular file of at most 1024 bytes of UTF-8 text; a FIFO, a device or a directory is refused
        without being read, so that the task never waits on it.
    type: path
  api_base_url:
    description:
      - The base URL of Agora's REST API (or of a proxy in front of it), without a trailing path. With it, only this URL
        and O(fallback_base_urls) are called.
      - If not set, the value of the E(AGORA_API_BASE_URL) environment variable is used. If neither is set, Agora's own
        domains are called with Agora's domain failover (see O(region)).
      - A V(http://) URL is refused before any request, unless its host is a loopback address (for the simulator).
        So is a URL with credentials, a query, spaces or control characters, or an invalid port.
    type: str
  region:
    description:
      - Where the caller runs, in the region names Agora uses in C(acquire). Picks Agora's domains when O(api_base_url)
        is not set, following Agora's integration guide. V(CN) calls V(https://api.sd-rtn.com) first and
        V(https://api.agora.io) second, any other region the reverse; then the region's regional hosts
        (V(NA) C(api-us-west-1), C(api-us-east-1); V(EU) C(api-eu-west-1), C(api-eu-central-1); V(AP)
        C(api-ap-southeast-1), C(api-ap-northeast-1); V(CN) C(api-cn-east-1), C(api-cn-north-1)) under both domains.
      - If not set, V(https://api.sd-rtn.com) then V(https://api.agora.io), with no regional host.
      - A request that gets no answer is retried on the same primary domain once, then (after a DNS failure) on the
        other domain, or (after any other network failure) on a regional host. An HTTP answer, whatever its status,
        never moves to another host. The host that answered is kept for the rest of the run, and each result names it
        in C(api_host).
      - Has no effect when O(api_base_url) is set.
    type: str
    choices: [NA, EU, AP, CN]
  fallback_base_urls:
    description:
      - Further base URLs to try when a request gets no answer (DNS, connection refused, TLS, timeout), in turn, one per
        retry. After O(api_base_url), or after Agora's domains when it is not set.
      - Never used because of an HTTP answer, whatever its status. The URL that answered is kept for later requests.
    type: list
    elements: str
    default: []
  timeout:
    description:
      - Seconds, from 1 to 600, that one request may take as a whole (connecting, sending, and the whole answer). A
        synchronous stop waits for the upload and can take 20 seconds or more.
    type: int
    default: 60
  retries:
    description:
      - Extra attempts, from 0 to 10, after an answer worth retrying (HTTP 429, 5xx, 206 code 65, connection errors and
        timeouts). Other answers are never retried, and neither is a TLS certificate that does not verify.
    type: int
    default: 3
  retry_delays:
    description:
      - Seconds to wait before each retry; the last value repeats. Agora recommends 1, 3 and 6 seconds.
      - From 1 to 10 values, each from 0 to 300.
      - A C(Retry-After) header on an answer wins when it asks for longer (capped at 120 seconds).
    type: list
    elements: float
    default: [1, 3, 6]
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the API. Set to V(false) only for a test endpoint you control.
    type: bool
    default: true
requirements:
  - requests
notes:
  - "The module talks to Agora's API from where it runs: use it on the controller (C(delegate_to: localhost) or a local connection)."
seealso:
  - name: Agora Cloud Recording stop
    description: Agora's reference for the stop call and its answers.
    link: https://docs.agora.io/en/cloud-recording/rest-api/stop
'''

    ACTIONGROUP = r'''
attributes:
  action_group:
    description: Use C(group/agora.cloud_recording.all) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - agora.cloud_recording.all
'''

    # Modules of the action group that call no Agora API take the connection options (so that module_defaults for
    # group/agora.cloud_recording.all apply to them too) and ignore them.
    IGNORED = r'''
options:
  customer_id:
    description: Accepted and ignored, so that C(module_defaults) for the action group apply; this module calls no Agora API.
    type: str
  customer_secret:
    description: Accepted and ignored (never shown), so that C(module_defaults) for the action group apply.
    type: str
  customer_secret_file:
    description: Accepted and ignored, so that C(module_defaults) for the action group apply.
    type: path
  api_base_url:
    description: Accepted and ignored, so that C(module_defaults) for the action group apply.
    type: str
  region:
    description: Accepted and ignored, so that C(module_defaults) for the action group apply (the bucket's region is O(storage.region)).
    type: str
    choices: [NA, EU, AP, CN]
  fallback_base_urls:
    description: Accepted and ignored, so that C(module_defaults) for the action group apply.
    type: list
    elements: str
    default: []
  retries:
    description: Accepted and ignored, so that C(module_defaults) for the action group apply.
    type: int
    default: 3
  retry_delays:
    description: Accepted and ignored, so that C(module_defaults) for the action group apply.
    type: list
    elements: float
    default: [1, 3, 6]
  validate_certs:
    description: Accepted and ignored, so that C(module_defaults) for the action group apply.
    type: bool
    default: true
  rate_limit:
    description: Accepted and ignored, so that C(module_defaults) for the action group apply.
    type: float
    default: 10
  concurrency:
    description: Accepted and ignored, so that C(module_defaults) for the action group apply.
    type: int
  not_found_recheck:
    description: Accepted and ignored, so that C(module_defaults) for the action group apply.
    type: int
    default: 0
'''
