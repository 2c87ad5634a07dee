"""Which characters count as Chinese, for every stage that treats Chinese text differently."""

CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs, extension A and compatibility
