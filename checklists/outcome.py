"""The outcome vocabulary of published inspection results (REFERENCE.md §8a), and the reasons an
inspection could not be carried out.

Mapping used by :meth:`checklists.record.Inspection.outcome`:

=====================================  =========================================================
situation                              published result
=====================================  =========================================================
carried out, no finding                未发现问题
findings, every one closed on site     发现问题已责令改正 (measures 责令改正 / 责令停止使用)
a finding goes on (立案调查, 移送), or  发现问题待后续处理
a finding has no measure recorded
not carried out: 无法联系              通过登记的住所（经营场所）无法联系
not carried out: 停业                  未发现开展本次抽查涉及的经营活动
not carried out: 拒绝检查              不配合检查情节严重
not carried out: 已注销/吊销           已注销或被吊销营业执照
=====================================  =========================================================

停业 (closed for business when the inspectors came) is published as "未发现开展本次抽查涉及的
经营活动": the inspectors found no business activity of the kind the inspection covers. A shop
merely shut for the lunch hour is not an outcome; come back later. The §8a list is "general
knowledge, MED": an office confirms it against the province's current list.
"""

from __future__ import annotations

from enum import StrEnum

from checklists.i18n import N_, _


class PublishedResult(StrEnum):
    """检查结果 in the vocabulary of published 双随机一公开 results."""

    NO_PROBLEM = "no_problem"
    CORRECTION_ORDERED = "correction_ordered"
    FOLLOW_UP = "follow_up"
    UNREACHABLE = "unreachable"
    NO_ACTIVITY = "no_activity"
    OBSTRUCTED = "obstructed"
    DEREGISTERED = "deregistered"

    @property
    def label(self) -> str:
        return _(_RESULT_LABELS[self])


_RESULT_LABELS = {
    PublishedResult.NO_PROBLEM: N_("未发现问题"),
    PublishedResult.CORRECTION_ORDERED: N_("发现问题已责令改正"),
    PublishedResult.FOLLOW_UP: N_("发现问题待后续处理"),
    PublishedResult.UNREACHABLE: N_("通过登记的住所（经营场所）无法联系"),
    PublishedResult.NO_ACTIVITY: N_("未发现开展本次抽查涉及的经营活动"),
    PublishedResult.OBSTRUCTED: N_("不配合检查情节严重"),
    PublishedResult.DEREGISTERED: N_("已注销或被吊销营业执照"),
}


class NotCarriedOutReason(StrEnum):
    """Why an inspection could not be carried out; recorded with a note and a photo."""

    CLOSED = "closed"  # 停业
    UNREACHABLE = "unreachable"  # 无法联系（登记的住所或经营场所找不到）
    REFUSED = "refused"  # 拒绝检查
    DEREGISTERED = "deregistered"  # 已注销或被吊销营业执照

    @property
    def label(self) -> str:
        return _(_REASON_LABELS[self])

    @property
    def result(self) -> PublishedResult:
        return _REASON_RESULTS[self]


_REASON_LABELS = {
    NotCarriedOutReason.CLOSED: N_("停业"),
    NotCarriedOutReason.UNREACHABLE: N_("无法联系"),
    NotCarriedOutReason.REFUSED: N_("拒绝检查"),
    NotCarriedOutReason.DEREGISTERED: N_("已注销或被吊销营业执照"),
}

_REASON_RESULTS = {
    NotCarriedOutReason.CLOSED: PublishedResult.NO_ACTIVITY,
    NotCarriedOutReason.UNREACHABLE: PublishedResult.UNREACHABLE,
    NotCarriedOutReason.REFUSED: PublishedResult.OBSTRUCTED,
    NotCarriedOutReason.DEREGISTERED: PublishedResult.DEREGISTERED,
}
