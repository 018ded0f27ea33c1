"""Glossary: the Chinese regulatory term behind each English identifier of the domain.

Identifiers, comments and logs are English; inspectors and the regulations speak Chinese. This
table lets an engineer and a metrology officer read the same thing (STYLE.md §13). A test keeps
every enum value and vocabulary key of the domain in it.

====================================  ===============================================
identifier                            term
====================================  ===============================================
checklist / section / item            检查表 / 检查部分 / 检查项
subject                               被检查单位
representative                        当事人（现场负责人）
inspector / certificate_no            执法人员 / 执法证号
recorder                              记录人
inspecting_unit                       检查单位
credentials / recusal                 执法证件 / 回避
measuring_standard                    计量标准器（检测设备）
finding / remark                      问题（不符合项） / 记录事项
basis / measure / penalty             依据 / 处理措施 / 罚则
rectification_notice                  责令改正通知书
on_site_record                        现场笔录
dispenser / nozzle / seal             加油机 / 加油枪 / 铅封
fair_scale / reweigh                  公平秤 / 核称
net_content / allowed_shortage        净含量 / 允许短缺量
in_service_inspection                 使用中检查
mpe / e / indication_error            最大允许误差 / 检定分度值 / 示值误差
batch_size / sample_size / lambda     批量 N / 样本量 n / λ（抽样系数）
====================================  ===============================================

The full mapping is :data:`GLOSSARY`.
"""

from __future__ import annotations

from collections.abc import Mapping

GLOSSARY: Mapping[str, str] = {
    # --- the checklist and its definition
    "checklist": "检查表",
    "section": "检查部分",
    "item": "检查项",
    "version": "版本",
    "basis": "依据",
    "verified": "已核实（与官方文本核对）",
    "document": "文件（法律、法规、规章、规程）",
    "edition": "版本（年份或令号）",
    "clause": "条款",
    "severity": "严重程度",
    "serious": "严重",
    "general": "一般",
    "note": "记录事项（不作为不符合）",
    "remark": "记录事项",
    "measure": "处理措施",
    "penalty": "罚则",
    "correct": "责令改正",
    "stop_use": "责令停止使用",
    "investigate": "立案调查",
    "transfer": "移送",
    "retired": "停用的检查项",
    "repeat": "逐台（逐个）重复检查",
    "instance": "检查对象（某台器具、某个摊位、某一批次）",
    "condition": "显示条件",
    "stage": "填写阶段",
    "on_site": "现场",
    "laboratory": "检测机构检验（事后录入）",
    "applies_to": "适用的被检查单位类型",
    "conclusion": "结论",
    # item kinds and answers
    "yes_no": "是否题（是 / 否 / 不适用）",
    "yes": "是",
    "no": "否",
    "na": "不适用",
    "none": "不作判定",
    "number": "数值",
    "text": "文字",
    "choice": "选择题",
    "date": "日期",
    "photo": "照片",
    "measurement": "测量（按规则判定）",
    "rule": "判定规则",
    # --- the record
    "inspection": "检查（检查记录）",
    "on_site_record": "现场笔录",
    "header": "笔录首部",
    "subject": "被检查单位",
    "credit_code": "统一社会信用代码",
    "address": "地址",
    "township": "乡镇（街道）",
    "representative": "当事人（现场负责人）",
    "representative_absent_note": "当事人不在场的说明",
    "id_number": "身份证号码",
    "witness": "见证人",
    "inspector": "执法人员",
    "certificate_no": "证书编号（执法证号、检定证书编号）",
    "recorder": "记录人",
    "inspecting_unit": "检查单位（县局、市场监管所）",
    "bodycam": "执法记录仪",
    "credentials": "执法证件",
    "credentials_shown": "已出示执法证件并告知申请回避的权利",
    "recusal": "回避",
    "measuring_standard": "计量标准器（检测设备）",
    "valid_until": "有效期至",
    "answer": "检查结果（答案）",
    "finding": "发现的问题（不符合项）",
    "readiness": "定稿前的完整性检查",
    "finalize": "定稿（封存）",
    "amendment": "更正",
    "signature": "签名",
    "rectification_notice": "责令改正通知书",
    "rectification_deadline": "改正期限",
    "review_rights": "复议、诉讼权利",
    "outcome": "检查结果",
    "provisional": "暂定（待检测结果）",
    # published outcomes (REFERENCE §8a)
    "no_problem": "未发现问题",
    "correction_ordered": "发现问题已责令改正",
    "follow_up": "发现问题待后续处理",
    "unreachable": "通过登记的住所（经营场所）无法联系",
    "no_activity": "未发现开展本次抽查涉及的经营活动",
    "obstructed": "不配合检查情节严重",
    "deregistered": "已注销或被吊销营业执照",
    # not carried out
    "not_carried_out": "未能实施检查",
    "closed": "停业",
    "refused": "拒绝检查",
    # --- subjects, sites and instruments
    "fuel_station": "加油站",
    "market": "集贸市场",
    "market_organiser": "集市主办者",
    "operator": "经营者",
    "producer": "定量包装商品生产者",
    "distributor": "定量包装商品销售者",
    "supermarket": "商场超市",
    "restaurant": "餐饮场所",
    "optician": "眼镜制配场所",
    "service": "其他服务业经营者",
    "dispenser": "加油机",
    "nozzle": "加油枪",
    "stall": "经营户（摊位）",
    "scale": "衡器（电子计价秤）",
    "lot": "批次",
    "instrument": "计量器具",
    "fair_scale": "公平秤",
    "seal": "铅封",
    "self_lock": "自锁功能",
    "cheating_device": "作弊装置（作弊计量器具）",
    "mandatory_verification": "强制检定",
    "verification": "检定",
    "verification_period": "检定周期",
    "verification_mark": "检定合格标志",
    "type_approval": "型式批准",
    "in_service_inspection": "使用中检查",
    "legal_unit": "法定计量单位",
    "honest_pledge": "诚信计量自我承诺",
    "pledge_unit": "承诺单位",
    "demonstration_unit": "诚信计量示范单位",
    "prepackaged": "定量包装商品",
    "sampling_record": "抽样单",
    "metrology_institute": "法定计量检定机构（检测机构）",
    "trade_market": "集贸市场",
    # --- the calculators' terms
    "net_content": "净含量",
    "nominal_quantity": "标注净含量 Qn",
    "actual_content": "实际含量",
    "allowed_shortage": "允许短缺量 T",
    "shortage": "短缺量",
    "batch_size": "批量 N",
    "sample_size": "样本量 n",
    "lambda": "修正因子 λ（抽样方案系数）",
    "mean_content": "平均实际含量",
    "standard_deviation": "样本标准偏差 s",
    "negative_deviation": "负偏差",
    "tare": "皮重",
    "char_height": "净含量标注字符高度",
    "mpe": "最大允许误差",
    "verification_interval": "检定分度值 e",
    "load": "载荷（砝码值）L",
    "indication": "示值 I",
    "indication_error": "示值误差",
    "repeatability": "重复性",
    "changeover_point": "闪变点",
    "accuracy_class": "准确度等级",
    "mode": "检查方式（使用中检查 / 检定）",
    "method": "核称方法",
    "fuel": "油品",
    "unit": "计量单位",
    "material": "（标准金属量器的）材质",
    "measure_material": "量器材质",
    "rule_params": "判定规则参数",
    "standard_metal_measure": "标准金属量器",
    "measure_volume": "量器示值",
    "fuel_temperature": "油温",
    "expansion_coefficient": "体膨胀系数 β",
    "reweigh": "核称",
    "billed_weight": "结算重量（标称重量）",
    "actual_weight": "实际重量",
    "retail_weighing": "零售商品称重",
    "retail": "零售商品称重核称",
    "verdict": "判定",
    "pass": "合格",
    "fail": "不合格",
    "indeterminate": "无法判定（不予判定）",
    "warning": "提示",
}
