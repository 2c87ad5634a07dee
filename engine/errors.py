"""User-facing errors. Each carries a message key and parameters so that the
CLI prints it in plain words and the desktop app can show it in either language.
"""
from __future__ import annotations

import locale
import os

# key -> (English, Simplified Chinese). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # data files
    "file_missing": ("The file {path} does not exist. Check the path and try again.",
                     "文件 {path} 不存在。请检查路径后重试。"),
    "file_is_dir": ("{path} is a folder, not a file. Choose a data file inside it.",
                    "{path} 是文件夹而不是文件。请选择其中的数据文件。"),
    "file_empty": ("The file {path} is empty. Choose a file that contains your copy.",
                   "文件 {path} 是空的。请选择包含文案的文件。"),
    "file_unreadable": ("{path} could not be opened ({reason}). If it is open in another program such as Excel, close it and try again.",
                        "无法打开 {path}（{reason}）。如果它正在其他程序（如 Excel）中打开，请先关闭再重试。"),
    "file_binary": ("{path} looks like a binary file, not text. Save it as .txt, .csv, .xlsx or .jsonl and try again.",
                    "{path} 看起来是二进制文件而不是文本。请另存为 .txt、.csv、.xlsx 或 .jsonl 后重试。"),
    "file_blank": ("{path} contains only blank lines. Add some copy to it and try again.",
                   "{path} 只有空行。请加入文案后重试。"),
    "file_too_large": ("{path} is {size_mb:.0f} MB, more than the {limit_mb:.0f} MB this computer can load. Split it into smaller files.",
                       "{path} 大小为 {size_mb:.0f} MB，超过本机可加载的 {limit_mb:.0f} MB。请拆分为较小的文件。"),
    "file_undecodable": ("{path} could not be read as text: bytes at line {line}, byte offset {offset} are not valid in any supported encoding. Re-save the file as UTF-8.",
                         "无法以文本方式读取 {path}：第 {line} 行（字节偏移 {offset}）的内容不是受支持的编码。请另存为 UTF-8 后重试。"),
    "file_format": ("{path} has an unsupported format ({suffix}). Use .txt, .csv, .tsv, .xlsx or .jsonl.",
                    "{path} 的格式（{suffix}）不受支持。请使用 .txt、.csv、.tsv、.xlsx 或 .jsonl。"),
    "column_missing": ("The column \"{column}\" is not in {path}. Available columns: {available}.",
                       "{path} 中没有“{column}”列。可用的列：{available}。"),
    "no_text_column": ("Could not tell which column of {path} holds the copy. Choose it with --text-column. Columns: {available}.",
                       "无法判断 {path} 中哪一列是文案。请用 --text-column 指定。可用的列：{available}。"),
    "jsonl_bad_line": ("Line {line} of {path} is not valid JSON with a \"text\", \"prompt\"/\"completion\" or \"instruction\"/\"output\" field. Fix that line and try again.",
                       "{path} 第 {line} 行不是含有 \"text\"、\"prompt\"/\"completion\" 或 \"instruction\"/\"output\" 字段的有效 JSON。请修正该行后重试。"),
    "xlsx_unreadable": ("{path} could not be opened as an Excel workbook. Open it in Excel and save it again as .xlsx.",
                        "无法以 Excel 工作簿打开 {path}。请用 Excel 打开并另存为 .xlsx。"),
    "xls_old": ("{path} is an old Excel file (.xls). Open it in Excel and save it as .xlsx or .csv.",
                "{path} 是旧版 Excel 文件（.xls）。请用 Excel 打开并另存为 .xlsx 或 .csv。"),
    "csv_unreadable": ("Line {line} of {path} could not be read as CSV ({reason}). Open it in Excel and save it again as CSV UTF-8.",
                       "无法以 CSV 格式读取 {path} 第 {line} 行（{reason}）。请用 Excel 打开并另存为“CSV UTF-8”。"),
    "column_blank": ("The column \"{column}\" in {path} has no text in any row. Choose the column that holds your copy.",
                     "{path} 的“{column}”列所有行都是空的。请选择存放文案的列。"),
    "too_few_samples": ("Only {count} usable samples remain in {path} after cleaning; at least {minimum} are needed. Add more copy.",
                        "清洗后 {path} 中只剩 {count} 条可用样本，至少需要 {minimum} 条。请补充更多文案。"),
    "txt_has_no_columns": ("{path} is a plain text file, so it has no column \"{column}\": each line (or block between blank lines) is one sample. Leave out --text-column and --prompt-column, or use a .csv or .xlsx with a header row.",
                           "{path} 是纯文本文件，没有“{column}”列：每一行（或空行分隔的每一段）就是一条样本。请去掉 --text-column 和 --prompt-column，或改用带表头的 .csv 或 .xlsx。"),
    "jsonl_has_no_columns": ("{path} is a JSON Lines file, so the column \"{column}\" cannot be chosen: the copy is read from the \"text\", \"completion\" or \"output\" field and the prompt from \"prompt\" or \"instruction\" and \"input\". Leave out --text-column and --prompt-column, or rename the fields.",
                             "{path} 是 JSON Lines 文件，不能指定“{column}”列：文案读取自 \"text\"、\"completion\" 或 \"output\" 字段，提示读取自 \"prompt\" 或 \"instruction\" 与 \"input\" 字段。请去掉 --text-column 和 --prompt-column，或修改字段名。"),
    # models
    "model_missing": ("No model folder at {path}. Choose a folder that holds config.json and the weights.",
                      "{path} 处没有模型文件夹。请选择包含 config.json 和权重的文件夹。"),
    "model_no_config": ("{path} is not a model folder: config.json is missing.",
                        "{path} 不是模型文件夹：缺少 config.json。"),
    "model_pickle_only": ("{path} only has pickle weights (.bin/.pt). They can run code when loaded, so Wenan Studio refuses them. Convert the model to safetensors first.",
                          "{path} 只有 pickle 格式的权重（.bin/.pt）。这种文件在加载时可以执行代码，因此文案工坊拒绝加载。请先将模型转换为 safetensors 格式。"),
    "model_no_weights": ("{path} has no weights (*.safetensors). The download may be incomplete; copy the whole model folder again.",
                         "{path} 中没有权重文件（*.safetensors）。可能下载不完整，请重新复制整个模型文件夹。"),
    "model_broken": ("The model in {path} could not be loaded: {reason}. Copy the folder again or choose another model.",
                     "无法加载 {path} 中的模型：{reason}。请重新复制该文件夹或换一个模型。"),
    "model_not_causal": ("{path} is not a text-generation model (architecture {arch}). Choose a causal language model.",
                         "{path} 不是文本生成模型（架构 {arch}）。请选择因果语言模型。"),
    "model_unknown": ("There is no model named \"{name}\" in the library. Run \"models\" to see the names.",
                      "模型库中没有名为“{name}”的模型。运行 “models” 查看可用名称。"),
    "model_exists": ("A model named \"{name}\" already exists. Choose another name or delete it first.",
                     "已存在名为“{name}”的模型。请换一个名称或先删除它。"),
    "model_name_invalid": ("\"{name}\" cannot be used as a model name. Use letters, digits, Chinese characters, '-', '_' or '.'.",
                           "“{name}”不能用作模型名称。请使用字母、数字、汉字、“-”、“_”或“.”。"),
    "model_zip_invalid": ("{path} is not a Wenan Studio model archive.",
                          "{path} 不是文案工坊的模型压缩包。"),
    "model_zip_no_meta": ("{path} has no wenan.json, so it is not a Wenan Studio model archive. Import a .zip made with Export in Wenan Studio.",
                          "{path} 中没有 wenan.json，不是文案工坊的模型压缩包。请导入用文案工坊“导出”功能生成的 .zip 文件。"),
    "model_zip_layout": ("{path} has wenan.json at \"{found}\", but a model archive must hold one folder with wenan.json directly inside it (NAME/wenan.json). Import the .zip that Export made, or zip the model folder itself.",
                         "{path} 中的 wenan.json 位于“{found}”，但模型压缩包应只包含一个文件夹，且 wenan.json 直接位于其中（名称/wenan.json）。请导入“导出”功能生成的 .zip，或直接压缩模型文件夹本身。"),
    "model_zip_unsafe": ("{path} contains \"{member}\", a path that would be written outside the model folder. Wenan Studio refuses such archives; import only a .zip made with Export.",
                         "{path} 包含“{member}”，其路径会写到模型文件夹之外。文案工坊拒绝此类压缩包；请只导入用“导出”功能生成的 .zip。"),
    "model_zip_meta_bad": ("The wenan.json in {path} is damaged or incomplete ({problem}). Export the model again in Wenan Studio and import the new .zip.",
                           "{path} 中的 wenan.json 已损坏或不完整（{problem}）。请在文案工坊中重新导出该模型，再导入新的 .zip。"),
    "model_zip_no_weights": ("{path} has no weights (*.safetensors) beside its wenan.json; the archive is incomplete. Export the model again and import the new .zip.",
                             "{path} 中 wenan.json 旁边没有权重文件（*.safetensors），压缩包不完整。请重新导出该模型，再导入新的 .zip。"),
    "model_zip_damaged": ("{path} could not be unpacked ({reason}). Copy the archive again, or export the model again and import the new .zip.",
                          "无法解压 {path}（{reason}）。请重新复制该压缩包，或重新导出模型后导入新的 .zip。"),
    "lora_base_missing": ("This LoRA model needs its base model at {base}, which is no longer there. Put the base model back in that folder.",
                          "此 LoRA 模型需要位于 {base} 的基础模型，但该文件夹已不存在。请把基础模型放回原处。"),
    # devices and training
    "device_unavailable": ("The device \"{device}\" is not available on this computer. Use --device auto.",
                           "本机没有“{device}”设备。请使用 --device auto。"),
    "out_of_memory": ("The {device} ran out of memory. Try a smaller batch size (now {batch_size}) or block size (now {block_size}), or use LoRA.",
                      "{device} 内存不足。请减小批大小（当前 {batch_size}）或块长度（当前 {block_size}），或改用 LoRA。"),
    "generate_out_of_memory": ("The {device} ran out of memory while writing {n} variants of up to {max_new_tokens} new tokens. Ask for fewer variants or fewer new tokens, or close other programs; on a graphics card, switching the device to CPU (--device cpu) also works.",
                               "{device} 在生成 {n} 条、每条最多 {max_new_tokens} 个新词元的文案时内存不足。请减少条数或新词元数，或关闭其他程序；若使用显卡，也可将设备改为 CPU（--device cpu）。"),
    "load_out_of_memory": ("The {device} ran out of memory while loading the model \"{model}\". Close other programs or choose a smaller model; on a graphics card, switching the device to CPU (--device cpu) also works.",
                           "{device} 在加载模型“{model}”时内存不足。请关闭其他程序或换一个较小的模型；若使用显卡，也可将设备改为 CPU（--device cpu）。"),
    "no_checkpoint": ("There is no interrupted training named \"{name}\" to resume. Start it without --resume.",
                      "没有名为“{name}”的中断训练可以继续。请去掉 --resume 重新开始。"),
    "resume_mismatch": ("The interrupted training \"{name}\" used different data or settings ({what}). Resume with the same file and options, or start again under a new name.",
                        "中断的训练“{name}”使用的数据或设置不同（{what}）。请使用相同的文件和选项继续，或换个名称重新开始。"),
    "bad_value": ("Invalid value for {option}: {value}. {hint}",
                  "{option} 的值无效：{value}。{hint}"),
    "option_at_least": ("Invalid value for {option}: {value}. Use a number of at least {minimum}.",
                        "{option} 的值无效：{value}。请使用不小于 {minimum} 的数。"),
    "option_positive": ("Invalid value for {option}: {value}. Use a number greater than 0, or leave it out for the default.",
                        "{option} 的值无效：{value}。请使用大于 0 的数，或不填以使用默认值。"),
    "option_range": ("Invalid value for {option}: {value}. Use a number from {low} to {high}.",
                     "{option} 的值无效：{value}。请使用 {low} 到 {high} 之间的数。"),
    "block_size_too_large": ("--block-size {value} is longer than this base model can read at once ({maximum} tokens). Use --block-size {maximum} or less.",
                             "--block-size {value} 超过了此基础模型一次能读取的长度（{maximum} 个词元）。请使用不大于 {maximum} 的值。"),
    "out_of_memory_loading": ("The {device} ran out of memory while loading the model. Choose a smaller base model or LoRA, or close other programs and try again.",
                              "加载模型时 {device} 内存不足。请选择较小的基础模型或改用 LoRA，或关闭其他程序后重试。"),
    "no_space": ("The disk is full while writing {path}. Free some space and try again.",
                 "写入 {path} 时磁盘已满。请释放一些空间后重试。"),
    "not_writable": ("Cannot write to {path}. Choose a folder you can write to.",
                     "无法写入 {path}。请选择有写入权限的文件夹。"),
    "data_dir_unusable": ("Wenan Studio cannot use its data folder {path} ({reason}). Set the WENAN_HOME environment variable to a folder you can write to.",
                          "文案工坊无法使用数据文件夹 {path}（{reason}）。请把环境变量 WENAN_HOME 设为一个有写入权限的文件夹。"),
    # quality checks on generated copy (engine.checks); these describe a flag, not an error
    "check_absolute_term": ("\"{match}\" is an absolute claim that advertising rules forbid. Try \"{suggestion}\".",
                            "“{match}”属于广告法极限用语，建议改为“{suggestion}”。"),
    "check_absolute_term_remove": ("\"{match}\" is an absolute claim that advertising rules forbid. Remove it, or keep it only with proof.",
                                   "“{match}”属于广告法极限用语，建议删除，或仅在有证明时保留。"),
    "check_copied": ("{chars} characters are copied word for word from the training copy: \"{match}\". Rewrite them.",
                     "有 {chars} 个字与训练文案一字不差：“{match}”。建议改写。"),
    "check_repetition": ("\"{match}\" is repeated {count} times.",
                         "“{match}”重复了 {count} 次。"),
    "check_too_long_chars": ("Too long: {actual} characters, over the limit of {limit}.",
                             "过长：共 {actual} 个字符，超过上限 {limit} 个。"),
    "check_too_long_bytes": ("Too long: {actual} bytes (a Chinese character counts 2), over the limit of {limit}.",
                             "过长：共 {actual} 字节（一个汉字计 2 字节），超过上限 {limit} 字节。"),
    "check_too_long_words": ("Too long: {actual} words, over the limit of {limit}.",
                             "过长：共 {actual} 个单词，超过上限 {limit} 个。"),
    "check_keyword_missing": ("The must-include keyword \"{keyword}\" is missing.",
                              "缺少必含关键词“{keyword}”。"),
    "checks_list_bad_line": ("Line {line} of {path} should be {expected}. Fix or remove that line.",
                             "{path} 第 {line} 行的格式应为 {expected}。请修正或删除该行。"),
    # batch: a product sheet in, a copy sheet out (engine.batch)
    "batch_column_missing": ("The product sheet {path} has no column for \"{field}\". Rename a column to one of {names}, or map one. Available columns: {available}.",
                             "商品表 {path} 中没有“{field}”列。请把某一列改名为 {names} 之一，或手动指定。可用的列：{available}。"),
    "batch_resume_mismatch": ("{out} belongs to an unfinished batch with a different {what}. Run it again with the same settings to continue, or choose another output file (or delete {journal}) to start over.",
                              "{out} 属于一个未完成的批量任务，但{what}不同。请用相同的设置继续，或换一个输出文件（或删除 {journal}）重新开始。"),
    # history and export
    "history_newer": ("Your history file {path} was written by a newer version of Wenan Studio (format {version}; this version reads up to {supported}). Update Wenan Studio to open it. The file has not been changed.",
                      "历史记录文件 {path} 由更新版本的文案工坊写入（格式 {version}，本版本最多支持 {supported}）。请更新文案工坊后再打开。该文件未被改动。"),
    "history_recovered": ("Your history file was damaged; it was moved to {moved} and a new one was started.",
                          "历史记录文件已损坏，已移至 {moved}，并已新建一个历史记录。"),
    "history_foreign": ("{path} was not a Wenan Studio history file; it was moved to {moved} and a new history was started.",
                        "{path} 不是文案工坊的历史记录文件，已移至 {moved}，并已新建一个历史记录。"),
    "history_unusable": ("The history file {path} cannot be used ({reason}). Restart Wenan Studio: a damaged file is set aside and a new history started.",
                         "无法使用历史记录文件 {path}（{reason}）。请重启文案工坊：损坏的文件会被移到一旁并新建历史记录。"),
    "history_busy": ("The history file {path} is locked by another program. Close other copies of Wenan Studio and try again.",
                     "历史记录文件 {path} 被其他程序锁定。请关闭其他正在运行的文案工坊后重试。"),
    "history_run_missing": ("Run {id} is not in the history; it may have been deleted.",
                            "历史记录中没有第 {id} 次生成，它可能已被删除。"),
    "history_variant_missing": ("Variant {id} is not in the history; it may have been deleted.",
                                "历史记录中没有编号为 {id} 的文案，它可能已被删除。"),
    "export_format": ("Cannot export as \"{fmt}\". Use .csv, .xlsx, .md or .txt.",
                      "无法导出为“{fmt}”格式。请使用 .csv、.xlsx、.md 或 .txt。"),
    "export_scope": ("Unknown export scope \"{scope}\". Use selection, filter or all.",
                     "未知的导出范围“{scope}”。请使用 selection（所选）、filter（当前筛选）或 all（全部）。"),
}


def current_language() -> str:
    """'zh' or 'en', from WENAN_LANG or else the system locale."""
    lang = os.environ.get("WENAN_LANG") or (locale.getlocale()[0] or "") or os.environ.get("LANG", "")
    return "zh" if lang.lower().startswith("zh") else "en"


class WenanError(Exception):
    """Base of every error a user may see. `str(err)` is the plain message."""

    exit_code = 2

    def __init__(self, key: str, **params):
        self.key = key
        self.params = params
        super().__init__(self.message())

    def message(self, lang: str | None = None) -> str:
        en, zh = MESSAGES[self.key]
        template = zh if (lang or current_language()) == "zh" else en
        return template.format(**self.params)


class DataFileError(WenanError):
    """The user's data file cannot be used."""


class ModelLoadError(WenanError):
    """A model folder or library entry cannot be used."""


class TrainingError(WenanError):
    """Training cannot start or continue."""


class OutOfMemoryError(TrainingError):
    """The device ran out of memory; the message says what to shrink."""


class ConfigError(WenanError):
    """An option has an invalid value."""
