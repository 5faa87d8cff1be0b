# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where the customer's bucket is: Agora's ``storageConfig`` vendor and region numbers, mapped to how the storage is reached.

Private to the agora.cloud_recording collection: not an API, may change in any release.

One table, every row with its sources (also in docs/agora-api-facts.md). Agora numbers the regions of each vendor
(``cloud-recording/reference/region-vendor``); its region labels are not the vendors' region names (``CN_Hangzhou`` is
Alibaba's ``cn-hangzhou``, Amazon's ``US_EAST_1`` is ``us-east-1``), so each is mapped here to the name and the endpoint
the vendor itself documents. A region the vendor documents no S3 endpoint for is left out of the table: the check then
asks for ``extensionParams.endpoint`` instead of guessing a host.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AGORA_REGIONS = 'https://docs.agora.io/en/cloud-recording/reference/region-vendor'

# Agora's labels, in Agora's numbering (AgoraIO/Docs-Source cloud-recording/reference/region-vendor.mdx).
AMAZON_LABELS = {
    0: 'US_EAST_1', 1: 'US_EAST_2', 2: 'US_WEST_1', 3: 'US_WEST_2', 4: 'EU_WEST_1', 5: 'EU_WEST_2', 6: 'EU_WEST_3',
    7: 'EU_CENTRAL_1', 8: 'AP_SOUTHEAST_1', 9: 'AP_SOUTHEAST_2', 10: 'AP_NORTHEAST_1', 11: 'AP_NORTHEAST_2',
    12: 'SA_EAST_1', 13: 'CA_CENTRAL_1', 14: 'AP_SOUTH_1', 15: 'CN_NORTH_1', 16: 'CN_NORTHWEST_1', 18: 'AF_SOUTH_1',
    19: 'AP_EAST_1', 20: 'AP_NORTHEAST_3', 21: 'EU_NORTH_1', 22: 'ME_SOUTH_1', 24: 'AP_SOUTHEAST_3', 25: 'EU_SOUTH_1',
}
ALIBABA_LABELS = {
    0: 'CN_Hangzhou', 1: 'CN_Shanghai', 2: 'CN_Qingdao', 3: 'CN_Beijing', 4: 'CN_Zhangjiakou', 5: 'CN_Huhehaote',
    6: 'CN_Shenzhen', 7: 'CN_Hongkong', 8: 'US_West_1', 9: 'US_East_1', 10: 'AP_Southeast_1', 11: 'AP_Southeast_2',
    12: 'AP_Southeast_3', 13: 'AP_Southeast_5', 14: 'AP_Northeast_1', 15: 'AP_South_1', 16: 'EU_Central_1',
    17: 'EU_West_1', 18: 'EU_East_1', 19: 'AP_Southeast_6', 20: 'CN_Heyuan', 21: 'CN_Guangzhou', 22: 'CN_Chengdu',
    23: 'CN_Nanjing', 24: 'CN_Fuzhou', 25: 'CN_Wulanchabu', 26: 'CN_Northeast_2', 27: 'CN_Southeast_7',
}
# Agora labels that name no region of Alibaba Cloud's own region list: no endpoint is guessed for them.
ALIBABA_UNDOCUMENTED = (18, 26, 27)
TENCENT_LABELS = {
    0: 'AP_Beijing_1', 1: 'AP_Beijing', 2: 'AP_Shanghai', 3: 'AP_Guangzhou', 4: 'AP_Chengdu', 5: 'AP_Chongqing',
    6: 'AP_Shenzhen_FSI', 7: 'AP_Shanghai_FSI', 8: 'AP_Beijing_FSI', 9: 'AP_Hongkong', 10: 'AP_Singapore',
    11: 'AP_Mumbai', 12: 'AP_Seoul', 13: 'AP_Bangkok', 14: 'AP_Tokyo', 15: 'NA_Siliconvalley', 16: 'NA_Ashburn',
    17: 'NA_Toronto', 18: 'EU_Frankfurt', 19: 'EU_Moscow',
}
HUAWEI_LABELS = {
    0: 'CN_North_1', 1: 'CN_North_4', 2: 'CN_East_2', 3: 'CN_East_3', 4: 'CN_South_1', 5: 'CN_Southwest_2',
    6: 'AP_Southeast_1', 7: 'AP_Southeast_2', 8: 'AP_Southeast_3', 9: 'AF_South_1', 10: 'SA_Argentina_1',
    11: 'SA_Peru_1', 12: 'NA_Mexico_1', 13: 'SA_Brazil_1', 14: 'LA_South_2', 15: 'SA_Chile_1',
}
# Baidu's S3-compatible endpoints are per region code (bj, bd, su, gz, fwh, hkg); Agora's labels with one.
BAIDU_REGIONS = {1: ('Baoding', 'bd'), 2: ('Suzhou', 'su'), 3: ('Guangzhou', 'gz'), 4: ('Hongkong', 'hkg'), 6: ('Wuhan', 'fwh')}
BAIDU_LABELS = {1: 'Baoding', 2: 'Suzhou', 3: 'Guangzhou', 4: 'Hongkong', 5: 'Singapore', 6: 'Wuhan', 7: 'Shanghai'}


def vendor_region(label: str) -> str:
    """The vendor's own region name for Agora's label: lower case, ``_`` as ``-`` (``CN_North_4`` -> ``cn-north-4``)."""
    return label.lower().replace('_', '-')


@dataclass(frozen=True)
class Region:
    """One of Agora's region numbers for a vendor: Agora's label, the vendor's region name, and its S3 endpoint."""

    label: str
    name: str
    endpoint: str | None


@dataclass(frozen=True)
class Vendor:
    """How one of Agora's storage vendors is reached.

    ``protocol``: ``s3`` (boto3) or ``azure`` (azure-storage-blob). ``regions``: Agora's region numbers; empty when
    the vendor needs none (one global endpoint, or the endpoint given in ``extensionParams.endpoint``).
    ``addressing``: boto3's addressing style (some vendors refuse path-style requests).
    """

    number: int
    name: str
    protocol: str
    sources: tuple[str, ...]
    regions: dict[int, Region] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    endpoint: str | None = None
    signing_region: str | None = None
    addressing: str = 'auto'


def _regions(labels: dict[int, str], endpoint: str, skip: tuple[int, ...] = ()) -> dict[int, Region]:
    return {number: Region(label, vendor_region(label), endpoint.format(region=vendor_region(label)))
            for number, label in labels.items() if number not in skip}


VENDORS: dict[int, Vendor] = {vendor.number: vendor for vendor in (
    Vendor(1, 'Amazon S3', 's3', (AGORA_REGIONS, 'https://docs.aws.amazon.com/general/latest/gr/s3.html'),
           # boto3 knows Amazon's endpoints (the .amazonaws.com.cn ones of the CN regions included) from the name.
           regions={number: Region(label, vendor_region(label), None) for number, label in AMAZON_LABELS.items()},
           labels=AMAZON_LABELS),
    Vendor(2, 'Alibaba Cloud OSS', 's3',
           (AGORA_REGIONS, 'https://www.alibabacloud.com/help/en/oss/developer-reference/use-amazon-s3-sdks-to-access-oss'),
           regions=_regions(ALIBABA_LABELS, 'https://s3.oss-{region}.aliyuncs.com', ALIBABA_UNDOCUMENTED),
           labels=ALIBABA_LABELS, addressing='virtual'),
    Vendor(3, 'Tencent Cloud COS', 's3',
           (AGORA_REGIONS, 'https://www.tencentcloud.com/document/product/436/32537'),
           regions=_regions(TENCENT_LABELS, 'https://cos.{region}.myqcloud.com'), labels=TENCENT_LABELS,
           addressing='virtual'),
    Vendor(5, 'Microsoft Azure Blob Storage', 'azure',
           (AGORA_REGIONS, 'https://learn.microsoft.com/en-us/azure/storage/common/storage-account-overview#standard-endpoints'),
           endpoint='https://{account}.blob.core.windows.net'),
    Vendor(6, 'Google Cloud Storage', 's3',
           (AGORA_REGIONS, 'https://cloud.google.com/storage/docs/interoperability'),
           endpoint='https://storage.googleapis.com', signing_region='auto', addressing='path'),
    Vendor(7, 'Huawei Cloud OBS', 's3',
           (AGORA_REGIONS, 'https://support.huaweicloud.com/intl/en-us/api-obs/obs_04_0003.html'),
           regions=_regions(HUAWEI_LABELS, 'https://obs.{region}.myhuaweicloud.com'), labels=HUAWEI_LABELS,
           addressing='virtual'),
    Vendor(8, 'Baidu AI Cloud BOS', 's3',
           (AGORA_REGIONS, 'https://cloud.baidu.com/doc/BOS/s/xjwvyq9l4'),
           regions={number: Region(label, code, 'https://s3.%s.bcebos.com' % code)
                    for number, (label, code) in BAIDU_REGIONS.items()},
           labels=BAIDU_LABELS),
    Vendor(11, 'S3-compatible storage', 's3', (AGORA_REGIONS, 'https://docs.agora.io/en/cloud-recording/rest-api/start'),
           signing_region='us-east-1'),
)}
