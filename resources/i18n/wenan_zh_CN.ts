<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../ui/dialogs/about.py" line="26"/>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/about.py" line="32"/>
        <source>Build: CPU</source>
        <translation>版本类型：CPU</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/about.py" line="33"/>
        <source>Build: CUDA (NVIDIA GPU)</source>
        <translation>版本类型：CUDA（NVIDIA 显卡）</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/about.py" line="34"/>
        <source>Build: from source</source>
        <translation>版本类型：源代码运行</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/about.py" line="35"/>
        <source>Build: {flavour}</source>
        <translation>版本类型：{flavour}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/about.py" line="39"/>
        <source>checking…</source>
        <translation>检测中…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/about.py" line="44"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/about.py" line="45"/>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/about.py" line="46"/>
        <source>Log folder</source>
        <translation>日志文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/about.py" line="48"/>
        <source>Wenan Studio (文案工坊)</source>
        <translation>文案工坊 (Wenan Studio)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/about.py" line="49"/>
        <source>Drafts marketing copy with a model that learned from your own writing. Everything runs on this computer.</source>
        <translation>用学习了你自家文案的模型起草营销文案。一切都在这台电脑上运行。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/about.py" line="53"/>
        <source>built {date}</source>
        <translation>构建于 {date}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/about.py" line="60"/>
        <source>About Wenan Studio</source>
        <translation>关于文案工坊</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../ui/app.py" line="92"/>
        <source>The data folder chosen in Settings cannot be used:
{error}

Wenan Studio will use the default folder instead. To use {folder} again, choose it in Settings once it is available.</source>
        <translation>无法使用在“设置”中选择的数据文件夹：
{error}

文案工坊将改用默认文件夹。该文件夹 {folder} 可用后，请在“设置”中重新选择。</translation>
    </message>
</context>
<context>
    <name>AspectDetail</name>
    <message>
        <location filename="../../ui/pages/reviews_detail.py" line="55"/>
        <source>&amp;Reviews that mention it (as written, with their row):</source>
        <translation>提及它的评价（原文，附行号）(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_detail.py" line="56"/>
        <source>Draft a &amp;reply to this review</source>
        <translation>为这条评价起草回复(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_detail.py" line="57"/>
        <source>Opens the Write page with this real review in the review-reply form</source>
        <translation>打开写文案页，把这条真实评价填入“评价回复”表单</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_detail.py" line="70"/>
        <source>Click an aspect</source>
        <translation>点击一个关注点</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_detail.py" line="71"/>
        <source>Click a bar or a row on the left to read what customers say about it.</source>
        <translation>点击左侧的柱条或表格行，查看顾客怎么说。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_detail.py" line="77"/>
        <source>{mentions} reviews mention it: {positive} praise it ({pshare}), {negative} criticise it ({nshare}). Words counted: {terms}.</source>
        <translation>{mentions} 条评价提到它：{positive} 条好评（{pshare}），{negative} 条差评（{nshare}）。统计的词语：{terms}。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_detail.py" line="84"/>
        <source>&lt;b&gt;Praise:&lt;/b&gt; {good}&lt;br&gt;&lt;b&gt;Criticism:&lt;/b&gt; {bad}</source>
        <translation>&lt;b&gt;好评说法：&lt;/b&gt;{good}&lt;br&gt;&lt;b&gt;差评说法：&lt;/b&gt;{bad}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_detail.py" line="86"/>
        <source>{summary} (AI-generated summary; the numbers and quotes are counted)</source>
        <translation>{summary}（AI 生成的总结；数字和原文均为统计所得）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_detail.py" line="93"/>
        <source>row {row} {mark}  {text}</source>
        <translation>第 {row} 行 {mark}  {text}</translation>
    </message>
</context>
<context>
    <name>BatchDialog</name>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="140"/>
        <source>Batch: copy for a product sheet</source>
        <translation>批量：为商品表写文案</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="141"/>
        <source>Drafting</source>
        <translation>写文案</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="142"/>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="142"/>
        <source>S&amp;cenario:</source>
        <translation>场景(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="143"/>
        <source>&amp;Variants per product:</source>
        <translation>每个商品的候选数(&amp;V)：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="143"/>
        <source>St&amp;yle:</source>
        <translation>风格(&amp;Y)：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="144"/>
        <source>Save &amp;to:</source>
        <translation>保存到(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="149"/>
        <source>Safe: close to your own copy</source>
        <translation>稳妥：贴近你自己的文案</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="149"/>
        <source>Balanced</source>
        <translation>均衡</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="150"/>
        <source>Creative: more surprising</source>
        <translation>创意：更出人意料</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="153"/>
        <source>Where the copy sheet goes (.xlsx or .csv)</source>
        <translation>文案表的保存位置（.xlsx 或 .csv）</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="154"/>
        <source>Bro&amp;wse…</source>
        <translation>浏览(&amp;W)…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="155"/>
        <source>Start &amp;over</source>
        <translation>重新开始(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="156"/>
        <source>Open &amp;file</source>
        <translation>打开文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="157"/>
        <source>Open fol&amp;der</source>
        <translation>打开文件夹(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="158"/>
        <source>&amp;Start</source>
        <translation>开始(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="159"/>
        <source>Draft copy for every product; you can stop and continue later</source>
        <translation>为每个商品写文案；可以随时停止，稍后继续</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="160"/>
        <source>Ca&amp;ncel</source>
        <translation>取消(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="161"/>
        <source>Stop; products already finished are kept</source>
        <translation>停止；已完成的商品会保留</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="162"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="214"/>
        <source>No models yet: train one on the Train page first.</source>
        <translation>还没有模型：请先在“训练”页训练一个。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="216"/>
        <source>This model learned from plain copy, so it writes on from each product&apos;s name; the other columns are used only for the checks.</source>
        <translation>这个模型学习的是纯文案，所以会从每个商品名接着往下写；其他列只用于质量检查。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="219"/>
        <source>Drafts the shop&apos;s reply to each customer&apos;s real review in the sheet. Wenan Studio never writes reviews.</source>
        <translation>为表中每条真实的顾客评价起草店铺的回复。文案工坊从不编写评价。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="229"/>
        <source>Save the copy sheet</source>
        <translation>保存文案表</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="230"/>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="241"/>
        <source>{done} of {total} products are already done — Start continues from there.</source>
        <translation>{total} 个商品中已完成 {done} 个——点“开始”会从那里继续。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="261"/>
        <source>Start over</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="262"/>
        <source>Throw away the products already done and draft every product again?</source>
        <translation>放弃已完成的商品，为所有商品重新写文案吗？</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="289"/>
        <source>Loading the model…</source>
        <translation>正在载入模型…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="296"/>
        <source>Stopping… Finished products are kept; the one being drafted now is drafted again when you continue.</source>
        <translation>正在停止…已完成的商品会保留；正在写的这个商品会在继续时重新写。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="305"/>
        <source>{n} / {n}</source>
        <translation>{n} / {n}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="307"/>
        <source>Row {i} / {n}</source>
        <translation>第 {i} / {n} 行</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="312"/>
        <source>Drafting “{product}”</source>
        <translation>正在为“{product}”写文案</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="314"/>
        <source> · about {time} left</source>
        <translation> · 约剩 {time}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="322"/>
        <source>Stopped before the first product was finished.</source>
        <translation>在第一个商品完成前就已停止。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="325"/>
        <source>Stopped: {done} of {total} products are done and saved in {file}. Start continues from there.</source>
        <translation>已停止：{total} 个商品中已完成 {done} 个，已保存在 {file}。点“开始”会从那里继续。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="332"/>
        <source>Done: {rows} products, {variants} variants, {flagged} of them flagged by the checks (see the flags columns). Saved to {file}, labelled as AI-generated.</source>
        <translation>完成：{rows} 个商品，{variants} 条候选，其中 {flagged} 条被质量检查标出（见 flags 列）。已保存到 {file}，并标注为“AI生成”。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="336"/>
        <source>{n} rows had an empty required cell and were left without copy.</source>
        <translation>有 {n} 行的必填单元格为空，这些行没有写文案。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="341"/>
        <source>Finished.</source>
        <translation>已完成。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="345"/>
        <source>Stopped because of a problem; fix it and press Start to continue.</source>
        <translation>因出现问题而停止；解决后点“开始”即可继续。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="374"/>
        <source>The batch is running</source>
        <translation>批量任务正在进行</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch.py" line="375"/>
        <source>Stop the batch and close? Finished products are kept; Start continues from there next time.</source>
        <translation>停止批量任务并关闭吗？已完成的商品会保留；下次点“开始”会从那里继续。</translation>
    </message>
</context>
<context>
    <name>BatchSheet</name>
    <message>
        <location filename="../../ui/dialogs/batch_sheet.py" line="87"/>
        <source>Product sheet</source>
        <translation>商品表</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch_sheet.py" line="88"/>
        <source>A .csv or .xlsx file with one product per row</source>
        <translation>每行一个商品的 .csv 或 .xlsx 文件</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch_sheet.py" line="89"/>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch_sheet.py" line="90"/>
        <source>Columns</source>
        <translation>列对应</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch_sheet.py" line="104"/>
        <source>Open a product sheet</source>
        <translation>打开商品表</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch_sheet.py" line="105"/>
        <source>Product sheets (*.csv *.tsv *.xlsx)</source>
        <translation>商品表 (*.csv *.tsv *.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch_sheet.py" line="124"/>
        <source>Reading {name}…</source>
        <translation>正在读取 {name}…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch_sheet.py" line="140"/>
        <source>This sheet has a header but no products.</source>
        <translation>这个表只有表头，没有商品。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch_sheet.py" line="173"/>
        <source>{rows} products, {columns} columns; the first rows:</source>
        <translation>{rows} 个商品，{columns} 列；前几行：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch_sheet.py" line="210"/>
        <source>{field} (required):</source>
        <translation>{field}（必填）：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch_sheet.py" line="211"/>
        <source>{field}:</source>
        <translation>{field}：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/batch_sheet.py" line="212"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
</context>
<context>
    <name>DataPage</name>
    <message>
        <location filename="../../ui/pages/data_page.py" line="182"/>
        <source>&lt;b&gt;Welcome to Wenan Studio!&lt;/b&gt; It learns to write like your shop, on this computer: 1. load a file of your copy here, 2. train a model, 3. write new copy with it. New here? Start with the sample shop&apos;s copy.</source>
        <translation>&lt;b&gt;欢迎使用文案工坊！&lt;/b&gt;它在你的电脑上学习你店铺的文风：1. 在这里载入你的文案文件，2. 训练一个模型，3. 用它写新文案。第一次使用？先用示例店铺的文案试试。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="185"/>
        <source>Try the sample</source>
        <translation>试用示例</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="186"/>
        <source>Your copy</source>
        <translation>你的文案</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="187"/>
        <source>Open a file of your own marketing copy (.txt, .csv, .tsv, .xlsx or .jsonl), or drag it onto this window. Nothing leaves this computer.</source>
        <translation>打开一个你自己的营销文案文件（.txt、.csv、.tsv、.xlsx 或 .jsonl），或把它拖到本窗口。所有数据都不会离开这台电脑。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="189"/>
        <source>&amp;Open file…</source>
        <translation>打开文件(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="190"/>
        <source>Choose a file with your product copy (Ctrl+O)</source>
        <translation>选择包含商品文案的文件（Ctrl+O）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="191"/>
        <source>Try the &amp;sample</source>
        <translation>试用示例(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="192"/>
        <source>Load the bundled copy of a fictional shop, to see how it works</source>
        <translation>载入内置的虚构店铺文案，看看效果如何</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="193"/>
        <source>Sample with &amp;prompts</source>
        <translation>带提示的示例(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="194"/>
        <source>A table of prompt → copy pairs: a model trained on it can follow the Write page&apos;s forms</source>
        <translation>一个“提示 → 文案”配对的表格：用它训练的模型能按“写文案”页的表单来写</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="196"/>
        <source>&amp;Next: train →</source>
        <translation>下一步：训练(&amp;N) →</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="197"/>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="198"/>
        <source>&amp;Copy column:</source>
        <translation>文案列(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="199"/>
        <source>P&amp;rompt column:</source>
        <translation>提示列(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="200"/>
        <source>The column that holds your marketing copy</source>
        <translation>存放营销文案的那一列</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="201"/>
        <source>Optional: a column with the request for each copy, such as the product and its selling points</source>
        <translation>可选：写明每条文案要求的列，比如商品和卖点</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="203"/>
        <source>With a prompt column the model learns to write copy for a request; without one it learns to continue your copy.</source>
        <translation>有提示列时，模型学会按要求写文案；没有提示列时，模型学会接着你的文案往下写。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="205"/>
        <source>Cleaning</source>
        <translation>清洗</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="206"/>
        <source>Remove HTM&amp;L tags</source>
        <translation>去除 HTML 标签(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="215"/>
        <source>Pr&amp;eview of the cleaned samples</source>
        <translation>清洗后样本预览(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="207"/>
        <source>Tidy &amp;whitespace</source>
        <translation>整理空白字符(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="208"/>
        <source>&amp;Mask phone numbers, e-mails and ID numbers</source>
        <translation>遮盖手机号、邮箱和身份证号(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="209"/>
        <source>Replaces them with [PHONE], [EMAIL] and [ID] so the model never learns them</source>
        <translation>替换为 [PHONE]、[EMAIL] 和 [ID]，模型就不会学到这些信息</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="210"/>
        <source>Remove &amp;duplicates</source>
        <translation>去除重复(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="211"/>
        <source>Drop samples shorter &amp;than:</source>
        <translation>去除短于此长度的样本(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="212"/>
        <source> characters</source>
        <translation> 字</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="213"/>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="214"/>
        <source>No file loaded yet.</source>
        <translation>尚未载入文件。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="217"/>
        <location filename="../../ui/pages/data_page.py" line="325"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="235"/>
        <source>Open a copy file</source>
        <translation>打开文案文件</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="236"/>
        <source>Copy files (*.txt *.csv *.tsv *.xlsx *.jsonl);;All files (*)</source>
        <translation>文案文件 (*.txt *.csv *.tsv *.xlsx *.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="284"/>
        <source>Loading {name}…</source>
        <translation>正在载入 {name}…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="313"/>
        <source>Could not use {name}.</source>
        <translation>无法使用 {name}。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="341"/>
        <source>No file yet. Try the sample to see how it works.</source>
        <translation>还没有文件。试用示例，看看效果如何。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_page.py" line="344"/>
        <source>&lt;b&gt;{name}&lt;/b&gt; · {format} · encoding: {encoding}</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; · {format} · 编码：{encoding}</translation>
    </message>
</context>
<context>
    <name>DataPreview</name>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="49"/>
        <source>Prompt</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="50"/>
        <source>Copy</source>
        <translation>文案</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="58"/>
        <source>Plain text, one sample per line</source>
        <translation>纯文本，每行一条</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="59"/>
        <source>Plain text, samples separated by blank lines</source>
        <translation>纯文本，以空行分隔</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="60"/>
        <source>CSV table</source>
        <translation>CSV 表格</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="61"/>
        <source>Tab-separated table</source>
        <translation>制表符分隔表格</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="62"/>
        <source>Excel workbook</source>
        <translation>Excel 工作簿</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="63"/>
        <source>JSON Lines</source>
        <translation>JSON Lines</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="70"/>
        <source>not needed (Excel)</source>
        <translation>无需（Excel）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="71"/>
        <source>Big5 (Traditional Chinese)</source>
        <translation>Big5（繁体中文）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="72"/>
        <source>UTF-8 with BOM</source>
        <translation>UTF-8（带 BOM）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="73"/>
        <source>GB18030 (Simplified Chinese)</source>
        <translation>GB18030（简体中文）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="81"/>
        <source>prompt → copy pairs</source>
        <translation>提示 → 文案 配对</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="82"/>
        <source>plain copy</source>
        <translation>纯文案</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="83"/>
        <source>{n} characters</source>
        <translation>{n} 字</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="84"/>
        <source>HTML removed in {html}, whitespace tidied in {ws} samples; masked {phones} phone numbers, {emails} e-mails, {ids} ID numbers</source>
        <translation>去除 HTML {html} 条，整理空白 {ws} 条；遮盖手机号 {phones} 个、邮箱 {emails} 个、身份证号 {ids} 个</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="88"/>
        <source>{empty} empty, {short} too short, {dupes} duplicates (of {total})</source>
        <translation>空白 {empty} 条，过短 {short} 条，重复 {dupes} 条（共 {total} 条）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="92"/>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="92"/>
        <source>{n} ({kind})</source>
        <translation>{n}（{kind}）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="94"/>
        <source>Characters</source>
        <translation>总字数</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="95"/>
        <source>Average length</source>
        <translation>平均长度</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="96"/>
        <source>Longest</source>
        <translation>最长</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="97"/>
        <source>Tokens (estimate)</source>
        <translation>词元数（估计）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="98"/>
        <source>Cleaned</source>
        <translation>已清洗</translation>
    </message>
    <message>
        <location filename="../../ui/pages/data_preview.py" line="99"/>
        <source>Dropped</source>
        <translation>已去除</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <location filename="../../ui/pages/train_estimate.py" line="19"/>
        <source>{n} s</source>
        <translation>{n} 秒</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_estimate.py" line="21"/>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_estimate.py" line="22"/>
        <source>{n} h</source>
        <translation>{n} 小时</translation>
    </message>
</context>
<context>
    <name>ErrorMessages</name>
    <message>
        <location filename="../../ui/errors.py" line="30"/>
        <source>The computer ran out of memory. Close other programs, or try a smaller batch size, block size or model.</source>
        <translation>电脑内存不足。请关闭其他程序，或减小批大小、块长度，或换用更小的模型。</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="33"/>
        <source>Could not read or write {path}: {reason}</source>
        <translation>无法读写 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="35"/>
        <source>Something unexpected went wrong ({kind}). Wenan Studio is still usable; the details below and the log file help to find the cause.</source>
        <translation>出现了意外问题（{kind}）。文案工坊仍可继续使用；下方的详细信息和日志文件有助于查明原因。</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="42"/>
        <source>Wenan Studio</source>
        <translation>文案工坊</translation>
    </message>
</context>
<context>
    <name>EstimateLabel</name>
    <message>
        <location filename="../../ui/pages/train_estimate.py" line="103"/>
        <source>Estimated time: calculating…</source>
        <translation>预计用时：计算中…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_estimate.py" line="117"/>
        <source>measured on this computer</source>
        <translation>本机实测</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_estimate.py" line="118"/>
        <source>assumed until a training here measures it</source>
        <translation>按假设速度估算，本机训练一次后改用实测值</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_estimate.py" line="119"/>
        <source>Estimated time: &lt;b&gt;about {time}&lt;/b&gt; ({steps} steps over ≈{tokens} tokens at ≈{speed} tokens/s, {source}). It is an estimate: the real speed shows once training runs.</source>
        <translation>预计用时：&lt;b&gt;约 {time}&lt;/b&gt;（{steps} 步，约 {tokens} 个词元，速度约 {speed} 词元/秒，{source}）。这只是估计：训练开始后会显示实际速度。</translation>
    </message>
</context>
<context>
    <name>ExamplesChooser</name>
    <message>
        <location filename="../../ui/pages/write_examples.py" line="43"/>
        <source>Your copy as e&amp;xamples…</source>
        <translation>你的文案作示例(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_examples.py" line="44"/>
        <source>A file of your own product copy, ads or replies (the Data page&apos;s formats). The pieces closest to each request are shown to the model, so drafts follow your shop&apos;s voice.</source>
        <translation>一个你自己写的商品文案、广告或回复的文件（格式同“数据”页）。与每次请求最接近的几条会作为示例给模型看，让草稿贴近你店铺的语气。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_examples.py" line="47"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_examples.py" line="74"/>
        <source>Choose a file of your own copy</source>
        <translation>选择你自己的文案文件</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_examples.py" line="75"/>
        <source>Copy files ({patterns})</source>
        <translation>文案文件 ({patterns})</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_examples.py" line="83"/>
        <source>Examples: the pieces of {file} closest to each request.</source>
        <translation>示例：{file} 中与每次请求最接近的几条。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_examples.py" line="85"/>
        <source>Examples: the pieces of its training file {file} closest to each request.</source>
        <translation>示例：其训练文件 {file} 中与每次请求最接近的几条。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_examples.py" line="88"/>
        <source>The examples file chosen for this model is no longer there. Choose it again.</source>
        <translation>为此模型选择的示例文件已不在原处，请重新选择。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_examples.py" line="90"/>
        <source>No examples: the model writes in its own words. Choose a file of your own copy so drafts follow your shop&apos;s voice.</source>
        <translation>没有示例：模型会用自己的措辞写作。选择一个你自己的文案文件，让草稿贴近你店铺的语气。</translation>
    </message>
</context>
<context>
    <name>FlagView</name>
    <message>
        <location filename="../../ui/flag_view.py" line="28"/>
        <source>Absolute term</source>
        <translation>极限词</translation>
    </message>
    <message>
        <location filename="../../ui/flag_view.py" line="29"/>
        <source>Copied from training data</source>
        <translation>照搬训练文案</translation>
    </message>
    <message>
        <location filename="../../ui/flag_view.py" line="30"/>
        <source>Repetition</source>
        <translation>重复</translation>
    </message>
    <message>
        <location filename="../../ui/flag_view.py" line="30"/>
        <source>Too long</source>
        <translation>超长</translation>
    </message>
    <message>
        <location filename="../../ui/flag_view.py" line="31"/>
        <source>Missing keyword</source>
        <translation>缺关键词</translation>
    </message>
    <message>
        <location filename="../../ui/flag_view.py" line="32"/>
        <source>Unsupported claim</source>
        <translation>无依据的宣称</translation>
    </message>
    <message>
        <location filename="../../ui/flag_view.py" line="109"/>
        <source>What the quality checks found, and softer wording to use</source>
        <translation>质量检查发现的问题，以及更稳妥的说法</translation>
    </message>
    <message>
        <location filename="../../ui/flag_view.py" line="113"/>
        <source>Passed the quality checks</source>
        <translation>已通过质量检查</translation>
    </message>
    <message>
        <location filename="../../ui/flag_view.py" line="114"/>
        <source>No absolute terms, copying, repetition, length or keyword problems, and no claims beyond what you gave, were found.</source>
        <translation>没有发现极限词、照搬训练文案、重复、超长或缺关键词的问题，也没有超出你所提供信息的宣称。</translation>
    </message>
    <message>
        <location filename="../../ui/flag_view.py" line="138"/>
        <source>▾ Details</source>
        <translation>▾ 详情</translation>
    </message>
    <message>
        <location filename="../../ui/flag_view.py" line="138"/>
        <source>▸ Details</source>
        <translation>▸ 详情</translation>
    </message>
</context>
<context>
    <name>FoundBases</name>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="61"/>
        <source>Add a model folder or file…</source>
        <translation>添加模型文件夹或文件…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="62"/>
        <source>A Hugging Face model folder (config.json and *.safetensors), a .gguf file, or a folder that holds models. Wenan Studio remembers it.</source>
        <translation>Hugging Face 模型文件夹（config.json 和 *.safetensors）、.gguf 文件，或存放模型的文件夹。文案工坊会记住它。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="64"/>
        <source>A model &amp;folder…</source>
        <translation>模型文件夹(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="65"/>
        <source>A .&amp;gguf file…</source>
        <translation>.gguf 文件(&amp;G)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="94"/>
        <source>Looking for pretrained models on this computer…</source>
        <translation>正在查找本机上的预训练模型…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="118"/>
        <source>Fits this computer</source>
        <translation>适合本机</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="118"/>
        <source>Fits, with little memory to spare</source>
        <translation>能运行，但内存余量不多</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="119"/>
        <source>Too large for this computer</source>
        <translation>对本机来说太大</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="119"/>
        <source>Can&apos;t be used</source>
        <translation>无法使用</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="139"/>
        <source>No pretrained models found on this computer. Add a model folder or a .gguf file, or see docs/MODELS.md for small ones to copy here.</source>
        <translation>本机未找到预训练模型。请添加模型文件夹或 .gguf 文件，或参阅 docs/MODELS.md，复制一个小模型到本机。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="214"/>
        <source>{n} B</source>
        <translation>{n}B</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="216"/>
        <source>{n} M</source>
        <translation>{n}M</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="218"/>
        <source>chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="225"/>
        <source>added</source>
        <translation>已添加</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="226"/>
        <location filename="../../ui/pages/train_bases.py" line="227"/>
        <source>folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="228"/>
        <source>built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="236"/>
        <source>Architecture: {arch}</source>
        <translation>架构：{arch}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="238"/>
        <source>Context: {n} tokens</source>
        <translation>上下文：{n} 个词元</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="241"/>
        <source>Licence: {licence}</source>
        <translation>许可证：{licence}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="244"/>
        <source>Memory: about {lora} GB to train with LoRA, {write} GB to write, of {have} GB</source>
        <translation>内存：LoRA 训练约需 {lora} GB，写作约需 {write} GB，本机共 {have} GB</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="161"/>
        <source>None of the models found fits this computer; hover over one to see why.</source>
        <translation>找到的模型都不适合本机；将鼠标悬停在模型上可查看原因。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="166"/>
        <source>Not a chat model: drafts follow your copy only after training. </source>
        <translation>这不是对话模型：训练之后才能按你的文案写作。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="168"/>
        <source>This GGUF file is turned into a base in Wenan Studio&apos;s data folder the first time it is used (a few minutes, once); the original file is left as it is.</source>
        <translation>首次使用时，这个 GGUF 文件会在文案工坊的数据文件夹中转换为基座（只需一次，约几分钟）；原文件保持不变。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="171"/>
        <source>It is quantized to {q} ({bits} bits per weight): that rounding becomes part of the base; a Q8_0 or F16 file of the same model is more faithful.</source>
        <translation>它已量化为 {q}（每个权重 {bits} 位）：其舍入误差会成为基座的一部分；同一模型的 Q8_0 或 F16 文件更准确。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="175"/>
        <source>It leaves little memory for other programs while it trains.</source>
        <translation>训练时留给其他程序的内存不多。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="180"/>
        <source>Choose a model folder, or a folder of models</source>
        <translation>选择模型文件夹，或存放多个模型的文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="185"/>
        <source>Choose a .gguf model file</source>
        <translation>选择 .gguf 模型文件</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="186"/>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_bases.py" line="204"/>
        <source>No model was found in {path}.</source>
        <translation>在 {path} 中没有找到模型。</translation>
    </message>
</context>
<context>
    <name>GenerationSettings</name>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="59"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="60"/>
        <source>St&amp;yle:</source>
        <translation>风格(&amp;Y)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="61"/>
        <source>Safe: close to your own copy</source>
        <translation>稳妥：贴近你自己的文案</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="61"/>
        <source>Balanced</source>
        <translation>均衡</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="62"/>
        <source>Creative: more surprising</source>
        <translation>创意：更出人意料</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="66"/>
        <source>Len&amp;gth (tokens):</source>
        <translation>长度（词元）(&amp;G)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="66"/>
        <source>T&amp;emperature:</source>
        <translation>温度(&amp;E)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="66"/>
        <source>Var&amp;iants:</source>
        <translation>候选数(&amp;I)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="66"/>
        <source>Top-p:</source>
        <translation>Top-p：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="67"/>
        <source>Top-&amp;k:</source>
        <translation>Top-k(&amp;K)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="67"/>
        <source>&amp;Repetition penalty:</source>
        <translation>重复惩罚(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="67"/>
        <source>See&amp;d:</source>
        <translation>随机种子(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="70"/>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="71"/>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="72"/>
        <source>Higher is more varied, lower sticks to the most likely words</source>
        <translation>越高越多变，越低越贴近最常见的用词</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="73"/>
        <source>Only sample from the most likely words that add up to this share</source>
        <translation>只从累计概率达到此比例的高概率词中抽取</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="74"/>
        <source>Only sample from this many most likely words</source>
        <translation>只从概率最高的这么多个词中抽取</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="75"/>
        <source>Above 1 discourages repeating the same words</source>
        <translation>大于 1 时减少重复用词</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="76"/>
        <source>The same seed and settings give the same variants again</source>
        <translation>相同的种子和设置会再次写出相同的候选</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="77"/>
        <source>The longest a variant may get, in tokens (about a character each for Chinese)</source>
        <translation>每条候选的最大长度，单位为词元（中文约一字一个）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="87"/>
        <source>▾ Advanced</source>
        <translation>▾ 高级</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_settings.py" line="87"/>
        <source>▸ Advanced</source>
        <translation>▸ 高级</translation>
    </message>
</context>
<context>
    <name>HistoryDetail</name>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="89"/>
        <source>Select a draft to see its full text, the prompt and settings that wrote it, and what the quality checks found.</source>
        <translation>选择一条草稿，查看它的全文、写出它的提示和设置，以及质量检查的结果。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="91"/>
        <location filename="../../ui/pages/history_detail.py" line="175"/>
        <source>AI-generated / AI生成</source>
        <translation>AI生成 / AI-generated</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="92"/>
        <source>Written by a language model. Check facts and claims before you publish it.</source>
        <translation>由语言模型生成。发布前请核实其中的事实和宣传用语。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="94"/>
        <source>&amp;Re-run</source>
        <translation>重新生成(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="95"/>
        <source>Write again on the Write page with the same model, prompt, settings and seed</source>
        <translation>在“写文案”页用相同的模型、提示、设置和种子再写一次</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="98"/>
        <source>F&amp;avorite</source>
        <translation>收藏(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="99"/>
        <source>Mark or unmark this draft as a favorite</source>
        <translation>收藏或取消收藏这条草稿</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="100"/>
        <source>Dele&amp;te</source>
        <translation>删除(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="101"/>
        <source>Delete this draft (you can undo it)</source>
        <translation>删除这条草稿（可以撤销）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="102"/>
        <source>Switch between your edit and what the model wrote</source>
        <translation>在你修改后的版本和模型原文之间切换</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="148"/>
        <source>Show your edit</source>
        <translation>显示你的修改</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="148"/>
        <source>Show the original</source>
        <translation>显示原文</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="149"/>
        <source>What the model wrote, before your edit.</source>
        <translation>这是模型写的原文，未经你修改。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="150"/>
        <source>You edited this draft; this is your version.</source>
        <translation>你修改过这条草稿；这是你的版本。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="155"/>
        <source>✓ The quality checks found nothing to change.</source>
        <translation>✓ 质量检查没有发现需要修改的地方。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="160"/>
        <source>Suggested wording: {text}</source>
        <translation>建议改为：{text}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="166"/>
        <source>Written</source>
        <translation>写于</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="166"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="167"/>
        <source>Scenario</source>
        <translation>场景</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="168"/>
        <source>Variant</source>
        <translation>候选</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="168"/>
        <source>{n} of this run</source>
        <translation>本次生成的第 {n} 条</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="169"/>
        <source>Prompt</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="172"/>
        <source>Form</source>
        <translation>表单</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="173"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="174"/>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="175"/>
        <source>Label</source>
        <translation>标识</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="182"/>
        <source>variants</source>
        <translation>候选数</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="182"/>
        <source>length (tokens)</source>
        <translation>长度（词元）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="183"/>
        <source>temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="184"/>
        <source>repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="189"/>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="209"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="209"/>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_detail.py" line="210"/>
        <source>Copy the text to the clipboard (Ctrl+C in the list)</source>
        <translation>把文字复制到剪贴板（在列表中按 Ctrl+C）</translation>
    </message>
</context>
<context>
    <name>HistoryExporter</name>
    <message>
        <location filename="../../ui/pages/history_export.py" line="52"/>
        <source>CSV for Excel, Chinese included (*.csv)</source>
        <translation>CSV，Excel 可直接打开，中文不乱码 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_export.py" line="53"/>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_export.py" line="53"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_export.py" line="54"/>
        <source>Plain text (*.txt)</source>
        <translation>纯文本 (*.txt)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_export.py" line="57"/>
        <source>&amp;Open folder</source>
        <translation>打开文件夹(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_export.py" line="58"/>
        <source>Show the exported file in your file manager</source>
        <translation>在文件管理器中显示导出的文件</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_export.py" line="70"/>
        <source>There is nothing to export: no drafts are selected or shown.</source>
        <translation>没有可导出的内容：没有选中或显示任何草稿。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_export.py" line="74"/>
        <source>Export drafts</source>
        <translation>导出草稿</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_export.py" line="89"/>
        <source>Exported 1 draft to {path}</source>
        <translation>已将 1 条草稿导出到 {path}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_export.py" line="90"/>
        <source>Exported {n} drafts to {path}</source>
        <translation>已将 {n} 条草稿导出到 {path}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_export.py" line="95"/>
        <source>Could not export: {reason}</source>
        <translation>无法导出：{reason}</translation>
    </message>
</context>
<context>
    <name>HistoryFilterBar</name>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="80"/>
        <source>Search text, prompts and models (Ctrl+F)</source>
        <translation>搜索正文、提示和模型（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="81"/>
        <source>Every word must appear; Chinese works too, e.g. 面膜</source>
        <translation>每个词都必须出现；也可以搜中文，例如“面膜”</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="82"/>
        <source>All models</source>
        <translation>全部模型</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="83"/>
        <source>Only drafts written by this model</source>
        <translation>只显示这个模型写的草稿</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="84"/>
        <source>All scenarios</source>
        <translation>全部场景</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="87"/>
        <source>Only drafts of this kind</source>
        <translation>只显示这类草稿</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="88"/>
        <source>Any time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="88"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="88"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="89"/>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="89"/>
        <source>From… to…</source>
        <translation>自定义日期…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="92"/>
        <source>Only drafts written in this period</source>
        <translation>只显示这段时间内写的草稿</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="93"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="94"/>
        <source>★ Favorites only</source>
        <translation>★ 只看收藏</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_filter.py" line="95"/>
        <source>Only the drafts you marked as favorites</source>
        <translation>只显示你收藏的草稿</translation>
    </message>
</context>
<context>
    <name>HistoryPage</name>
    <message>
        <location filename="../../ui/pages/history_page.py" line="141"/>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="142"/>
        <source>&amp;Try again</source>
        <translation>重试(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="143"/>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="144"/>
        <source>Save drafts as CSV (opens in Excel), Excel, Markdown or text; every file is labelled AI-generated</source>
        <translation>把草稿保存为 CSV（可用 Excel 打开）、Excel、Markdown 或文本；每个文件都标有“AI生成”</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="146"/>
        <source>Export &amp;selected drafts…</source>
        <translation>导出选中的草稿(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="147"/>
        <source>Export the drafts &amp;shown (current search and filters)…</source>
        <translation>导出当前显示的草稿（按当前搜索和筛选）(&amp;H)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="148"/>
        <source>Export &amp;all drafts…</source>
        <translation>导出全部草稿(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="149"/>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="150"/>
        <source>Delete the selected drafts (Delete); you can undo it</source>
        <translation>删除选中的草稿（Delete 键）；可以撤销</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="151"/>
        <source>C&amp;lear all…</source>
        <translation>全部清除(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="152"/>
        <source>Delete every draft in the history, after asking</source>
        <translation>确认后删除历史中的所有草稿</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="175"/>
        <source>Your drafts cannot be shown. {reason}</source>
        <translation>无法显示你的草稿。{reason}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="257"/>
        <source>Drafts: {n}</source>
        <translation>草稿：{n} 条</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="259"/>
        <source>Matching: {n} of {total}</source>
        <translation>符合条件：{n} 条（共 {total} 条）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="262"/>
        <source>&lt;p&gt;&lt;b&gt;No drafts yet.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Every variant you write on the Write page is kept here, with its prompt, settings, seed and quality checks, so you can find it again, re-run it or export it for your team.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;还没有草稿。&lt;/b&gt;&lt;/p&gt;&lt;p&gt;你在“写文案”页写出的每条候选都会连同提示、设置、种子和质量检查结果保存在这里，方便你再次查找、重新生成，或导出给店铺团队。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="265"/>
        <source>Go to the &amp;Write page</source>
        <translation>前往“写文案”页(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="267"/>
        <source>&lt;p&gt;&lt;b&gt;No drafts match.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Try other words, or change the model, scenario, date or favorites filter.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;没有符合条件的草稿。&lt;/b&gt;&lt;/p&gt;&lt;p&gt;换个词试试，或者调整模型、场景、日期或收藏筛选。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="269"/>
        <source>Show &amp;all drafts</source>
        <translation>显示全部草稿(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="368"/>
        <source>Clear history</source>
        <translation>清除历史</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_page.py" line="369"/>
        <source>Delete all {n} drafts in your history? This cannot be undone. Export them first if you may need them.</source>
        <translation>删除历史中的全部 {n} 条草稿吗？此操作无法撤销；如果以后可能还要用，请先导出。</translation>
    </message>
</context>
<context>
    <name>HistoryTableModel</name>
    <message>
        <location filename="../../ui/pages/history_table.py" line="70"/>
        <source>Free prompt</source>
        <translation>自由提示</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_table.py" line="94"/>
        <source>check</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_table.py" line="218"/>
        <source>A favorite: click to unmark it</source>
        <translation>已收藏：点击取消收藏</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_table.py" line="219"/>
        <source>Click to mark it as a favorite</source>
        <translation>点击收藏</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_table.py" line="232"/>
        <source>Favorite</source>
        <translation>收藏</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_table.py" line="233"/>
        <source>Characters in the text</source>
        <translation>正文的字符数</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_table.py" line="234"/>
        <source>What the quality checks found</source>
        <translation>质量检查发现的问题</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_table.py" line="235"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_table.py" line="236"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_table.py" line="237"/>
        <source>Scenario</source>
        <translation>场景</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_table.py" line="238"/>
        <source>Text</source>
        <translation>正文</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_table.py" line="239"/>
        <source>Length</source>
        <translation>字数</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_table.py" line="240"/>
        <source>Checks</source>
        <translation>检查</translation>
    </message>
</context>
<context>
    <name>LibraryDialog</name>
    <message>
        <location filename="../../ui/dialogs/library.py" line="78"/>
        <source>Model library</source>
        <translation>模型库</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="79"/>
        <source>&amp;Rename…</source>
        <translation>重命名(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="80"/>
        <source>&amp;Delete…</source>
        <translation>删除(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="81"/>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="82"/>
        <source>Save the model as a .zip to back it up or use on another computer</source>
        <translation>把模型保存为 .zip，用于备份或在其他电脑上使用</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="83"/>
        <source>&amp;Import…</source>
        <translation>导入(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="84"/>
        <source>Add a model from a .zip exported by Wenan Studio</source>
        <translation>从文案工坊导出的 .zip 添加模型</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="85"/>
        <source>No models yet. Train one on the Train page, or import a .zip.</source>
        <translation>还没有模型。请在“训练”页训练一个，或导入 .zip。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="138"/>
        <source>Rename model</source>
        <translation>重命名模型</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="138"/>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="153"/>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="154"/>
        <source>Delete “{name}”? This cannot be undone; export it first if you may need it again.</source>
        <translation>删除“{name}”？此操作无法撤销；如果以后可能还要用，请先导出。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="172"/>
        <source>Export model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="173"/>
        <location filename="../../ui/dialogs/library.py" line="179"/>
        <source>Model archives (*.zip)</source>
        <translation>模型压缩包 (*.zip)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="178"/>
        <source>Import model</source>
        <translation>导入模型</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="207"/>
        <source>learnt from scratch: rough drafts</source>
        <translation>从零训练：草稿较粗略</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="208"/>
        <source>a pretrained model trained on your copy</source>
        <translation>用你的文案训练过的预训练模型</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="220"/>
        <source>learned from scratch</source>
        <translation>从零学习</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="221"/>
        <source>continued from “{name}”</source>
        <translation>在“{name}”基础上继续训练</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="222"/>
        <source>{name}, found in {source}</source>
        <translation>{name}，来自 {source}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="227"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="228"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="229"/>
        <source>Base</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="230"/>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="230"/>
        <source>full fine-tune</source>
        <translation>全量微调</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="231"/>
        <source>LoRA adapter</source>
        <translation>LoRA 适配器</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="232"/>
        <source>Learned from</source>
        <translation>学习内容</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="232"/>
        <source>prompt → copy pairs</source>
        <translation>提示 → 文案 配对</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="233"/>
        <source>plain copy</source>
        <translation>纯文案</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="234"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="234"/>
        <source>{file}, {samples} samples, {tokens} tokens</source>
        <translation>{file}，{samples} 条样本，{tokens} 个词元</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="236"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="236"/>
        <source>{steps} steps in {time} on {device}, {speed} tokens/s</source>
        <translation>{steps} 步，用时 {time}，设备 {device}，{speed} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="239"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="239"/>
        <source>learning rate {lr}, batch size {batch}, block size {block}</source>
        <translation>学习率 {lr}，批大小 {batch}，块长度 {block}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="241"/>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="241"/>
        <source>training {train}, validation {val}, perplexity {ppl}</source>
        <translation>训练 {train}，验证 {val}，困惑度 {ppl}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/library.py" line="243"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
</context>
<context>
    <name>LossChart</name>
    <message>
        <location filename="../../ui/loss_chart.py" line="114"/>
        <source>The loss chart appears when training starts. Lower is better; when the validation loss stops falling, more training no longer helps.</source>
        <translation>训练开始后会显示损失曲线。越低越好；当验证损失不再下降时，继续训练也不会更好。</translation>
    </message>
    <message>
        <location filename="../../ui/loss_chart.py" line="118"/>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <location filename="../../ui/loss_chart.py" line="119"/>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../../ui/loss_chart.py" line="121"/>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <location filename="../../ui/loss_chart.py" line="122"/>
        <source>Validation loss</source>
        <translation>验证损失</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="178"/>
        <source>Wenan Studio (文案工坊)</source>
        <translation>文案工坊 (Wenan Studio)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="179"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="179"/>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="179"/>
        <source>Write</source>
        <translation>写文案</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="179"/>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="180"/>
        <source>Your copy file, its columns and cleaning (Ctrl+1)</source>
        <translation>你的文案文件、列与清洗（Ctrl+1）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="181"/>
        <source>Teach a model your style (Ctrl+2)</source>
        <translation>让模型学会你的文风（Ctrl+2）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="181"/>
        <source>Draft new copy (Ctrl+3)</source>
        <translation>起草新文案（Ctrl+3）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="182"/>
        <source>Your past drafts (Ctrl+4)</source>
        <translation>你以前写过的草稿（Ctrl+4）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="188"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="189"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="190"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="191"/>
        <source>&amp;Open data file…</source>
        <translation>打开数据文件(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="192"/>
        <source>Model &amp;library…</source>
        <translation>模型库(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="193"/>
        <source>&amp;Batch from product sheet…</source>
        <translation>批量生成(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="194"/>
        <source>Draft copy for every product in a spreadsheet</source>
        <translation>为表格中的每个商品起草文案</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="195"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="196"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="197"/>
        <source>&amp;About Wenan Studio</source>
        <translation>关于文案工坊(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="198"/>
        <source>Open &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="379"/>
        <source>Training is running</source>
        <translation>正在训练</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="380"/>
        <source>Stop the training and close? A checkpoint is saved first, so you can resume it later.</source>
        <translation>停止训练并关闭吗？会先保存检查点，以后可以继续训练。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="393"/>
        <source>Saving a checkpoint and closing…</source>
        <translation>正在保存检查点并关闭…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="394"/>
        <source>Finishing background work and closing…</source>
        <translation>正在结束后台任务并关闭…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="179"/>
        <source>Reviews</source>
        <translation>口碑</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="183"/>
        <source>What your customers praise and criticise, from your review export (Ctrl+5)</source>
        <translation>从评价导出文件看顾客夸什么、吐槽什么（Ctrl+5）</translation>
    </message>
</context>
<context>
    <name>ModelChoice</name>
    <message>
        <location filename="../../ui/pages/write_models.py" line="70"/>
        <source>— Pretrained chat models on this computer (no training needed) —</source>
        <translation>— 本机上的预训练对话模型（无需训练） —</translation>
    </message>
</context>
<context>
    <name>PromptForm</name>
    <message>
        <location filename="../../ui/pages/write_form.py" line="119"/>
        <source>S&amp;cenario:</source>
        <translation>场景(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="123"/>
        <source>Prompt l&amp;anguage:</source>
        <translation>提示语言(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="124"/>
        <source>Use the language of the prompts your model learned from</source>
        <translation>请使用模型训练时所用提示的语言</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="126"/>
        <source>e.g. bamboo fibre towel</source>
        <translation>例如：竹纤维毛巾</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="127"/>
        <source>Paste the customer&apos;s real review here</source>
        <translation>在此粘贴顾客的真实评价</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="128"/>
        <source>e.g. soft, absorbs fast, four colours</source>
        <translation>例如：柔软、吸水快、四色可选</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="129"/>
        <source>e.g. young families</source>
        <translation>例如：年轻家庭</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="130"/>
        <source>e.g. warm, lively, professional</source>
        <translation>例如：温暖、活泼、专业</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="131"/>
        <source>e.g. Taobao, Xiaohongshu, Amazon</source>
        <translation>例如：淘宝、小红书、亚马逊</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="132"/>
        <source>Words the copy must contain</source>
        <translation>文案中必须出现的词</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="133"/>
        <source>e.g. 100% cotton, 500 ml, ¥99, ISO 9001 certified, made in Hangzhou</source>
        <translation>例如：100%纯棉、500 毫升、¥99、通过 ISO 9001 认证、产自杭州</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="139"/>
        <source>Facts yo&amp;u can vouch for:</source>
        <translation>可核实的事实(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="140"/>
        <source>Materials, certificates, awards, prices, sizes and origins you can prove. The copy may use them; a figure, certificate, material or origin in a draft that is neither here nor in the form is flagged.</source>
        <translation>你能提供证明的材质、认证、奖项、价格、尺寸和产地。文案可以使用这些信息；草稿中出现的数值、认证、材质或产地，如果既不在这里也不在表单中，就会被标出。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="143"/>
        <source>&amp;Prompt (you can edit it):</source>
        <translation>提示（可以修改）(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="144"/>
        <source>&amp;Opening words:</source>
        <translation>开头几个字(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="145"/>
        <source>Rebuild from the fields</source>
        <translation>按表单重新生成</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="146"/>
        <source>Throw away your edits and build the prompt from the fields again</source>
        <translation>放弃你的修改，按表单内容重新生成提示</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="147"/>
        <source>This model learned from plain copy without prompts, so it cannot follow a form. Type the first words of the copy you want (for example a product name); it writes on from there.</source>
        <translation>这个模型学习的是没有提示的纯文案，所以无法按表单来写。请输入你想要的文案的开头几个字（比如商品名），它会接着往下写。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_form.py" line="241"/>
        <source>Drafts the shop&apos;s reply to a real customer review. Wenan Studio never writes reviews: made-up reviews mislead buyers and are against the law.</source>
        <translation>为顾客的真实评价起草店铺回复。文案工坊绝不代写评价：编造评价会误导买家，也违反法律。</translation>
    </message>
</context>
<context>
    <name>ReviewOptions</name>
    <message>
        <location filename="../../ui/pages/reviews_options.py" line="57"/>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_options.py" line="58"/>
        <source>Re&amp;view:</source>
        <translation>评价(&amp;V)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_options.py" line="58"/>
        <source>R&amp;ating:</source>
        <translation>评分(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_options.py" line="58"/>
        <source>Pro&amp;duct:</source>
        <translation>商品(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_options.py" line="59"/>
        <source>Da&amp;te:</source>
        <translation>日期(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_options.py" line="62"/>
        <source>Stars, scores or 好评/中评/差评. With a rating, praise and criticism follow it; without one, the review&apos;s own words</source>
        <translation>星级、分数或好评/中评/差评。有评分时按评分判断好评差评；没有评分时按评价文字判断</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_options.py" line="66"/>
        <location filename="../../ui/pages/reviews_options.py" line="95"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_options.py" line="67"/>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_options.py" line="68"/>
        <source>Only &amp;product:</source>
        <translation>只看商品(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_options.py" line="70"/>
        <location filename="../../ui/pages/reviews_options.py" line="104"/>
        <source>All products</source>
        <translation>全部商品</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_options.py" line="71"/>
        <source>Only reviews &amp;from</source>
        <translation>只看日期(&amp;F)</translation>
    </message>
</context>
<context>
    <name>ReviewsPage</name>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="156"/>
        <source>Reviews (口碑)</source>
        <translation>口碑（Reviews）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="157"/>
        <source>Open the review export of your shop (Taobao, Tmall, JD, Pinduoduo, Amazon: .csv, .xlsx, .txt). See what customers praise and criticise, read their own words, and write copy and replies from them. Every quote is a customer&apos;s real words.</source>
        <translation>打开店铺的评价导出文件（淘宝、天猫、京东、拼多多、亚马逊：.csv、.xlsx、.txt），看顾客夸什么、吐槽什么，读他们的原话，并据此写文案和回复。每条引用都是顾客的真实原话。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="160"/>
        <source>&amp;Open review export…</source>
        <translation>打开评价导出文件(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="161"/>
        <source>E&amp;xport insight…</source>
        <translation>导出口碑分析(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="162"/>
        <source>Save the aspects, counts, phrases and quotes as .xlsx or .csv</source>
        <translation>把关注点、数量、说法和原文保存为 .xlsx 或 .csv</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="163"/>
        <source>&lt;b&gt;Selling points&lt;/b&gt;: praised most often</source>
        <translation>&lt;b&gt;卖点&lt;/b&gt;：被夸得最多</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="164"/>
        <source>&lt;b&gt;Pain points&lt;/b&gt;: criticised most often</source>
        <translation>&lt;b&gt;痛点&lt;/b&gt;：被吐槽得最多</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="165"/>
        <source>The aspects customers praise appear here.</source>
        <translation>顾客夸赞的关注点会显示在这里。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="166"/>
        <source>The aspects customers criticise appear here.</source>
        <translation>顾客吐槽的关注点会显示在这里。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="167"/>
        <source>Aspect</source>
        <translation>关注点</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="167"/>
        <source>Mentions</source>
        <translation>提及</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="167"/>
        <source>Praised</source>
        <translation>好评</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="168"/>
        <source>Criticised</source>
        <translation>差评</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="169"/>
        <source>&amp;Use in a draft</source>
        <translation>用于写文案(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="170"/>
        <source>Fill the Write page&apos;s selling points with the ticked aspects</source>
        <translation>把勾选的关注点填入写文案页的“卖点”</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="171"/>
        <source>Tick the selling points to use, then “Use in a draft”.</source>
        <translation>勾选要用的卖点，再点“用于写文案”。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="184"/>
        <source>Open a review export</source>
        <translation>打开评价导出文件</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="185"/>
        <source>Review exports (*.csv *.tsv *.xlsx *.txt *.jsonl);;All files (*)</source>
        <translation>评价导出文件 (*.csv *.tsv *.xlsx *.txt *.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="200"/>
        <source>Reading {name}…</source>
        <translation>正在读取 {name}…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="214"/>
        <location filename="../../ui/pages/reviews_page.py" line="229"/>
        <source>Counting again…</source>
        <translation>正在重新统计…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="299"/>
        <source>No review export opened yet.</source>
        <translation>尚未打开评价导出文件。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="301"/>
        <source>Could not use {name}.</source>
        <translation>无法使用 {name}。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="303"/>
        <source>praise and criticism follow the “{column}” ratings</source>
        <translation>好评差评按“{column}”列的评分判断</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="304"/>
        <source>praise and criticism come from the reviews&apos; own words</source>
        <translation>好评差评按评价文字判断</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="305"/>
        <source>&lt;b&gt;{name}&lt;/b&gt; · {count} reviews analysed of {rows} rows ({skipped} empty or “no review written”) · {source}</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; · 共 {rows} 行，分析了 {count} 条评价（{skipped} 条为空或“未填写评价”）· {source}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="388"/>
        <source>Export the insight</source>
        <translation>导出口碑分析</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="390"/>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="403"/>
        <source>Exported the insight to {path}</source>
        <translation>口碑分析已导出到 {path}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reviews_page.py" line="404"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="58"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="59"/>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="59"/>
        <source>&amp;Device:</source>
        <translation>设备(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="59"/>
        <source>CPU &amp;threads:</source>
        <translation>CPU 线程数(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="60"/>
        <source>Data &amp;folder:</source>
        <translation>数据文件夹(&amp;F)：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="60"/>
        <source>Default writing &amp;style:</source>
        <translation>默认写作风格(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="62"/>
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="63"/>
        <source>Automatic (GPU when there is one)</source>
        <translation>自动（有显卡时用显卡）</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="63"/>
        <source>CPU only</source>
        <translation>仅用 CPU</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="64"/>
        <source>NVIDIA GPU (CUDA)</source>
        <translation>NVIDIA 显卡（CUDA）</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="64"/>
        <source>Apple GPU (MPS)</source>
        <translation>Apple 显卡（MPS）</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="66"/>
        <source>Automatic (all cores but one)</source>
        <translation>自动（留出一个核心）</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="67"/>
        <source>How many CPU cores training and writing may use</source>
        <translation>训练和写文案最多可用多少个 CPU 核心</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="68"/>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="69"/>
        <source>Default folder</source>
        <translation>默认文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="70"/>
        <source>Your models, unfinished trainings and logs are kept here. Leave it empty for the default.</source>
        <translation>你的模型、未完成的训练和日志都保存在这里。留空则使用默认位置。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="72"/>
        <source>Safe</source>
        <translation>稳妥</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="72"/>
        <source>Balanced</source>
        <translation>均衡</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="72"/>
        <source>Creative</source>
        <translation>创意</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialog.py" line="89"/>
        <source>Choose the data folder</source>
        <translation>选择数据文件夹</translation>
    </message>
</context>
<context>
    <name>TrainForm</name>
    <message>
        <location filename="../../ui/pages/train_form.py" line="184"/>
        <source>Start from</source>
        <translation>起点</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="185"/>
        <source>Learn from s&amp;cratch</source>
        <translation>从零学习(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="186"/>
        <source>A small new model that learns only from your copy. Needs no download; best with a few thousand lines or more.</source>
        <translation>一个只从你的文案中学习的小型新模型。无需下载；文案有几千行以上时效果最好。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="198"/>
        <source>A Hugging Face model folder on this computer (config.json and *.safetensors), e.g. a small Qwen or GPT-2</source>
        <translation>本机上的 Hugging Face 模型文件夹（含 config.json 和 *.safetensors），例如小型的 Qwen 或 GPT-2</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="200"/>
        <source>Choose a folder with config.json and *.safetensors</source>
        <translation>选择包含 config.json 和 *.safetensors 的文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="201"/>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="203"/>
        <source>Train one of your models further on this data</source>
        <translation>用这份数据继续训练你已有的模型</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="204"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="206"/>
        <source>The name this model gets in your library</source>
        <translation>这个模型在模型库中的名称</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="207"/>
        <source>&amp;Method:</source>
        <translation>方法(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="208"/>
        <source>Automatic (recommended)</source>
        <translation>自动（推荐）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="208"/>
        <source>Full fine-tune</source>
        <translation>全量微调</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="209"/>
        <source>LoRA (light, for big models)</source>
        <translation>LoRA（轻量，适合大模型）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="211"/>
        <source>Automatic trains all weights when they fit in memory, and LoRA adapters otherwise</source>
        <translation>内存够用时训练全部权重，否则训练 LoRA 适配器</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="213"/>
        <source>Preset:</source>
        <translation>预设：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="214"/>
        <source>Training &amp;time:</source>
        <translation>训练时长(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="216"/>
        <source>&amp;Quick</source>
        <translation>快速(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="216"/>
        <source>About a quarter of the standard training: a first look</source>
        <translation>约为标准训练量的四分之一：先看看效果</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="217"/>
        <source>The usual amount of training for this data</source>
        <translation>适合这份数据的常规训练量</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="218"/>
        <source>Twice the standard training: better copy, longer wait; watch the validation loss</source>
        <translation>标准训练量的两倍：文案更好，耗时更长；请留意验证损失</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="224"/>
        <source>&amp;Epochs:</source>
        <translation>轮数(&amp;E)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="232"/>
        <source>Passes over your data; overrides the preset and the training time</source>
        <translation>把数据完整学习几遍；会覆盖预设和训练时长</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="233"/>
        <source>Stop after this many steps; overrides epochs and the training time</source>
        <translation>达到此步数后停止；会覆盖轮数和训练时长</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="197"/>
        <source>A model f&amp;older:</source>
        <translation>模型文件夹(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="190"/>
        <source>A base model that came with Wenan Studio. It already knows the language, so your copy only has to teach it your shop&apos;s style.</source>
        <translation>文案工坊自带的基础模型。它已经懂语言，你的文案只需教会它你店铺的文风。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="192"/>
        <source>A model on this co&amp;mputer:</source>
        <translation>本机上的模型(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="193"/>
        <source>A pretrained model another program already keeps here (Ollama, LM Studio, GPT4All, Jan, the Hugging Face or ModelScope downloads) or one you added. It already writes fluent text; your copy teaches it your shop&apos;s voice.</source>
        <translation>其他程序已存放在本机的预训练模型（Ollama、LM Studio、GPT4All、Jan、Hugging Face 或 ModelScope 的下载），或你添加的模型。它已能写出通顺的文字；你的文案会教它店铺的语气。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="202"/>
        <source>Continue a librar&amp;y model:</source>
        <translation>继续训练模型库中的模型(&amp;Y)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="205"/>
        <source>Model n&amp;ame:</source>
        <translation>模型名称(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="217"/>
        <source>Stan&amp;dard</source>
        <translation>标准(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="218"/>
        <source>Thoro&amp;ugh</source>
        <translation>充分(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="224"/>
        <source>Batch si&amp;ze:</source>
        <translation>批大小(&amp;Z)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="224"/>
        <source>Ma&amp;x steps:</source>
        <translation>最多步数(&amp;X)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="224"/>
        <source>Learning ra&amp;te:</source>
        <translation>学习率(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="225"/>
        <source>Bloc&amp;k size:</source>
        <translation>块长度(&amp;K)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="228"/>
        <source>From preset</source>
        <translation>按预设</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="229"/>
        <source>From epochs</source>
        <translation>按轮数</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="230"/>
        <location filename="../../ui/pages/train_form.py" line="231"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="234"/>
        <source>Blocks per step; lower it if memory runs out</source>
        <translation>每步处理的块数；内存不足时请调小</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="235"/>
        <source>Tokens per block: 128 for scratch models, 256 otherwise</source>
        <translation>每块的词元数：从零学习为 128，其他为 256</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="245"/>
        <source>▾ Advanced</source>
        <translation>▾ 高级</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="245"/>
        <source>▸ Advanced</source>
        <translation>▸ 高级</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="250"/>
        <source>Built-in: {name}</source>
        <translation>内置：{name}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="252"/>
        <source>{n} M parameters</source>
        <translation>{n} M 参数</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="253"/>
        <source>{n} B parameters</source>
        <translation>{n} B 参数</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="254"/>
        <source>Built-in: {name} ({size})</source>
        <translation>内置：{name}（{size}）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="286"/>
        <source>Choose a model folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="299"/>
        <source>Choose a model folder first.</source>
        <translation>请先选择模型文件夹。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="353"/>
        <source>Give the model a name.</source>
        <translation>请给模型起个名字。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="361"/>
        <source>A model with this name is already in the library.</source>
        <translation>模型库中已有同名模型。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_form.py" line="363"/>
        <source>Saved in the library under this name.</source>
        <translation>将以此名称保存到模型库。</translation>
    </message>
</context>
<context>
    <name>TrainPage</name>
    <message>
        <location filename="../../ui/pages/train_page.py" line="110"/>
        <source>Train a model on your copy</source>
        <translation>用你的文案训练模型</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="111"/>
        <source>&amp;Start training</source>
        <translation>开始训练(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="112"/>
        <source>Train in the background; you can keep using the app</source>
        <translation>在后台训练；你可以继续使用本软件</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="113"/>
        <source>Ca&amp;ncel</source>
        <translation>取消(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="114"/>
        <source>Stop after the current step and save a checkpoint to resume later</source>
        <translation>当前这一步完成后停止，并保存检查点以便稍后继续</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="129"/>
        <source>No data yet: open a file on the Data page first.</source>
        <translation>还没有数据：请先在“数据”页打开文件。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="131"/>
        <source>Data: &lt;b&gt;{name}&lt;/b&gt;, {n} samples</source>
        <translation>数据：&lt;b&gt;{name}&lt;/b&gt;，{n} 条样本</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="144"/>
        <source>From scratch, a model learns only from your file. On a few hundred lines it writes rough drafts, good for trying the app. For copy you can publish, start from a pretrained model.</source>
        <translation>从零训练的模型只从你的文件学习。在几百行数据上，它只能写出粗略的草稿，适合试用。要写能发布的文案，请从预训练模型开始。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="148"/>
        <source>A pretrained model already writes fluently; training on your copy teaches it your shop&apos;s voice. A chat model can also write right away on the Write page, before any training.</source>
        <translation>预训练模型本来就能写出流畅的文案；用你的文案训练会让它学会你店铺的语气。对话模型也可以不经训练，直接在“写文案”页写作。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="155"/>
        <source>Device: {problem}</source>
        <translation>设备：{problem}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="157"/>
        <source>Device: checking…</source>
        <translation>设备：检测中…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="160"/>
        <source>Device: CPU — training uses {n} of {total} cores, so this window stays responsive</source>
        <translation>设备：CPU — 训练使用 {total} 个核心中的 {n} 个，窗口操作保持流畅</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="163"/>
        <source>Device: {name}</source>
        <translation>设备：{name}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="195"/>
        <source>&amp;Resume “{name}” ({step} of {total} steps)</source>
        <translation>继续训练“{name}”（第 {step}/{total} 步）(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="198"/>
        <source>&amp;Resume</source>
        <translation>继续训练(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="199"/>
        <source>Continue an interrupted training from its last checkpoint</source>
        <translation>从上次的检查点继续被中断的训练</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="235"/>
        <source>Resuming “{name}” from step {step}.</source>
        <translation>从第 {step} 步继续训练“{name}”。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="241"/>
        <source>Stopping after this step and saving a checkpoint…</source>
        <translation>这一步完成后停止，正在保存检查点…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="242"/>
        <source>Cancel requested.</source>
        <translation>已请求取消。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="258"/>
        <source>Training “{name}” on {file}.</source>
        <translation>正在用 {file} 训练“{name}”。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="273"/>
        <source>Stopped before training began. Nothing was saved.</source>
        <translation>已在训练开始前停止，没有保存任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="269"/>
        <source>Stopped at step {step} of {total}. A checkpoint was saved: press Resume to continue.</source>
        <translation>已在第 {step}/{total} 步停止。检查点已保存：点“继续训练”即可接着训练。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="283"/>
        <source>“{name}” is ready: {steps} steps in {time}, validation loss {val}.</source>
        <translation>“{name}”已训练好：{steps} 步，用时 {time}，验证损失 {val}。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="285"/>
        <source>Finished.</source>
        <translation>已完成。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="291"/>
        <source>Training finished</source>
        <translation>训练完成</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="292"/>
        <source>“{name}” is ready to write with.</source>
        <translation>“{name}”已可以用来写文案了。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="298"/>
        <source>Training stopped: its process ended. Press Resume to continue from the last checkpoint.</source>
        <translation>训练已停止：训练进程意外结束。按“继续训练”可从最近的检查点接着训练。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="301"/>
        <source>Training stopped because of a problem.</source>
        <translation>训练因出现问题而停止。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_page.py" line="302"/>
        <source>Training stopped</source>
        <translation>训练已停止</translation>
    </message>
</context>
<context>
    <name>TrainProgress</name>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="31"/>
        <source>Not started.</source>
        <translation>尚未开始。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="72"/>
        <source>&amp;Write with this model</source>
        <translation>用这个模型写文案(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="73"/>
        <source>&amp;Log</source>
        <translation>日志(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="74"/>
        <source>%v / %m steps</source>
        <translation>%v / %m 步</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="99"/>
        <source>Preparing…</source>
        <translation>准备中…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="111"/>
        <source>Step {step}/{total}: training loss {loss}, validation loss {val}</source>
        <translation>第 {step}/{total} 步：训练损失 {loss}，验证损失 {val}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="162"/>
        <source>about {time} left</source>
        <translation>约剩 {time}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="164"/>
        <source>{n} tokens/s</source>
        <translation>{n} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="166"/>
        <source>loss {loss}</source>
        <translation>损失 {loss}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="170"/>
        <source>Preparing</source>
        <translation>准备中</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="170"/>
        <source>Training</source>
        <translation>训练中</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="171"/>
        <source>Checking on held-out samples</source>
        <translation>正在用预留样本检验</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="171"/>
        <source>Saving</source>
        <translation>保存中</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="172"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="181"/>
        <source>full fine-tune</source>
        <translation>全量微调</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="181"/>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="182"/>
        <source>Device: {device}; method: {method}.</source>
        <translation>设备：{device}；方法：{method}。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="186"/>
        <source>Preparing: reading the data and building the model…</source>
        <translation>准备中：读取数据并构建模型…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="188"/>
        <source>Training started: {total} steps.</source>
        <translation>训练开始：共 {total} 步。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="190"/>
        <source>Saving a checkpoint at step {step}…</source>
        <translation>正在保存第 {step} 步的检查点…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_progress.py" line="201"/>
        <source>CPU, {n} of {total} cores</source>
        <translation>CPU，使用 {total} 个核心中的 {n} 个</translation>
    </message>
</context>
<context>
    <name>TrainTime</name>
    <message>
        <location filename="../../ui/pages/train_time.py" line="43"/>
        <source>5 minutes</source>
        <translation>5 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_time.py" line="43"/>
        <source>15 minutes</source>
        <translation>15 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_time.py" line="43"/>
        <source>30 minutes</source>
        <translation>30 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_time.py" line="44"/>
        <source>Until it stops improving</source>
        <translation>直到不再进步</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_time.py" line="44"/>
        <source>By the preset</source>
        <translation>按预设</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_time.py" line="47"/>
        <source>How long to train. The run plans its schedule to end by then, stops sooner when the model stops improving, and keeps its best state.</source>
        <translation>训练多长时间。训练会按这个时间安排进度并准时结束；模型不再进步时会提前停止，并保留效果最好的状态。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_time.py" line="59"/>
        <source>Trains for a number of passes over your data: the preset&apos;s, or Advanced&apos;s.</source>
        <translation>按轮数训练：使用预设的轮数，或“高级”中设定的轮数或步数。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_time.py" line="62"/>
        <source>Trains until the model stops getting better on held-out copy (at most {hours} hours), and keeps its best state.</source>
        <translation>一直训练到模型在留出的文案上不再进步为止（最多 {hours} 小时），并保留效果最好的状态。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/train_time.py" line="66"/>
        <source>Ends within {n} min, sooner if the model stops getting better, and keeps its best state.</source>
        <translation>{n} 分钟内结束；模型不再进步时会提前停止，并保留效果最好的状态。</translation>
    </message>
</context>
<context>
    <name>UndoBar</name>
    <message>
        <location filename="../../ui/pages/history_undo.py" line="31"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_undo.py" line="32"/>
        <source>Bring the deleted drafts back</source>
        <translation>恢复刚删除的草稿</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_undo.py" line="57"/>
        <source>Deleted 1 draft.</source>
        <translation>已删除 1 条草稿。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/history_undo.py" line="57"/>
        <source>Deleted {n} drafts.</source>
        <translation>已删除 {n} 条草稿。</translation>
    </message>
</context>
<context>
    <name>VariantCard</name>
    <message>
        <location filename="../../ui/variant_card.py" line="76"/>
        <source>&lt;b&gt;Variant {n}&lt;/b&gt;</source>
        <translation>&lt;b&gt;候选 {n}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/variant_card.py" line="77"/>
        <source>AI-generated / AI生成</source>
        <translation>AI生成 / AI-generated</translation>
    </message>
    <message>
        <location filename="../../ui/variant_card.py" line="78"/>
        <source>Written by a language model. Check facts and claims before you publish it.</source>
        <translation>由语言模型生成。发布前请核实其中的事实和宣传用语。</translation>
    </message>
    <message>
        <location filename="../../ui/variant_card.py" line="81"/>
        <location filename="../../ui/variant_card.py" line="165"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../ui/variant_card.py" line="81"/>
        <location filename="../../ui/variant_card.py" line="165"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../ui/variant_card.py" line="82"/>
        <source>Change the text before you copy it</source>
        <translation>复制前先修改文字</translation>
    </message>
    <message>
        <location filename="../../ui/variant_card.py" line="83"/>
        <source>Favorite</source>
        <translation>收藏</translation>
    </message>
    <message>
        <location filename="../../ui/variant_card.py" line="84"/>
        <source>Mark the variants you like</source>
        <translation>标记你喜欢的候选</translation>
    </message>
    <message>
        <location filename="../../ui/variant_card.py" line="114"/>
        <source>The same as another variant.</source>
        <translation>与另一条候选相同。</translation>
    </message>
    <message>
        <location filename="../../ui/variant_card.py" line="115"/>
        <source>The model wrote nothing for this variant.</source>
        <translation>模型没有为这条候选写出内容。</translation>
    </message>
    <message>
        <location filename="../../ui/variant_card.py" line="160"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <location filename="../../ui/variant_card.py" line="160"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../ui/variant_card.py" line="161"/>
        <source>Copy this text to the clipboard</source>
        <translation>把这段文字复制到剪贴板</translation>
    </message>
</context>
<context>
    <name>WritePage</name>
    <message>
        <location filename="../../ui/pages/write_page.py" line="146"/>
        <source>Write copy</source>
        <translation>写文案</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="147"/>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="148"/>
        <source>Model &amp;library…</source>
        <translation>模型库(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="149"/>
        <source>Rename, delete, import or export models (Ctrl+L)</source>
        <translation>重命名、删除、导入或导出模型（Ctrl+L）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="150"/>
        <source>&lt;b&gt;Welcome to Wenan Studio!&lt;/b&gt; You have no models yet. A model learns from your own copy on the Data and Train pages. To see how it works, start with the bundled sample shop: load it, train a few minutes, then come back here.</source>
        <translation>&lt;b&gt;欢迎使用文案工坊！&lt;/b&gt;你还没有模型。模型会在“数据”和“训练”页从你自己的文案中学习。想先看看效果，可以从内置的示例店铺开始：载入示例，训练几分钟，再回到这里。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="154"/>
        <source>Try the &amp;sample</source>
        <translation>试用示例(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="155"/>
        <source>Ge&amp;nerate</source>
        <translation>生成(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="156"/>
        <source>Write the variants (Ctrl+Enter)</source>
        <translation>写出候选文案（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="157"/>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="158"/>
        <source>Stop writing (Esc)</source>
        <translation>停止生成（Esc）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="159"/>
        <source>Variants appear here as the model writes them. Every draft is labelled as AI-generated; check facts before you publish.</source>
        <translation>模型边写，候选边出现在这里。每条草稿都标有“AI生成”；发布前请核实内容。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="216"/>
        <source>learned from plain copy</source>
        <translation>学习的是纯文案</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="216"/>
        <source>learned from prompt → copy pairs</source>
        <translation>学习的是“提示 → 文案”配对</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="217"/>
        <source>{kind}: {samples} samples of {file}; validation loss {val}</source>
        <translation>{kind}：{file} 中的 {samples} 条样本；验证损失 {val}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="226"/>
        <source>A pretrained chat model found on this computer: it writes now, before any training, but it has not learnt your shop&apos;s voice. Show it your copy as examples, or train it on your copy on the Train page.</source>
        <translation>在本机找到的预训练对话模型：无需训练即可写作，但它还没学过你店铺的语气。可以把你的文案作为示例给它看，或在“训练”页用你的文案训练它。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="256"/>
        <source>Write a prompt first (fill in a field or type opening words).</source>
        <translation>请先写提示（填写表单，或输入开头几个字）。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="275"/>
        <source>Loading the model and writing…</source>
        <translation>正在载入模型并生成…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="290"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="324"/>
        <source>Writing stopped: the engine process ended. Press Generate to try again.</source>
        <translation>生成已停止：引擎进程意外结束。请按“生成”重试。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_status.py" line="16"/>
        <source>CPU (1 thread)</source>
        <translation>CPU（1 个线程）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_status.py" line="17"/>
        <source>CPU ({n} threads)</source>
        <translation>CPU（{n} 个线程）</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_status.py" line="24"/>
        <source> · by a pretrained model, not trained on your copy</source>
        <translation> · 由预训练模型撰写，未用你的文案训练</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_status.py" line="26"/>
        <source> · by a model trained on your copy</source>
        <translation> · 由用你的文案训练过的模型撰写</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_status.py" line="28"/>
        <source>, shown {n} of your pieces from {file}</source>
        <translation>，参考了 {file} 中你的 {n} 条文案</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_status.py" line="41"/>
        <source>, first words after {s} s</source>
        <translation>，{s} 秒后出现首字</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_status.py" line="43"/>
        <source>{n} variants in {s} s{first} on {device} · seed {seed}</source>
        <translation>{n} 条候选，用时 {s} 秒{first}，设备 {device} · 种子 {seed}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_status.py" line="47"/>
        <source> · cleanest first</source>
        <translation> · 问题最少的排在前面</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_status.py" line="50"/>
        <source> · the request is too long for this model: its beginning was left out</source>
        <translation> · 请求超出此模型一次能读取的长度：开头部分未被使用</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_status.py" line="53"/>
        <source> · shortened: this model writes at most {n} tokens here</source>
        <translation> · 已缩短：此模型在这里最多只能写 {n} 个词元</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_status.py" line="55"/>
        <source>Stopped. </source>
        <translation>已停止。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="327"/>
        <source>Could not write: see the message.</source>
        <translation>无法生成：请查看提示信息。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="328"/>
        <source>Writing stopped</source>
        <translation>生成已停止</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="351"/>
        <source>These drafts could not be kept in the history: {reason} They stay here until you write again; copy the ones you need.</source>
        <translation>这些草稿未能保存到历史：{reason}在你再次生成之前，它们会一直留在这里；请复制你需要的候选。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="377"/>
        <source>Stop the current writing first, then run the request again.</source>
        <translation>请先停止当前的生成，再重新运行这次请求。</translation>
    </message>
    <message>
        <location filename="../../ui/pages/write_page.py" line="385"/>
        <source>The model &quot;{name}&quot; is no longer in your library, so this request cannot be written again. Choose another model and write a new one.</source>
        <translation>模型库中已经没有模型“{name}”，因此无法重新生成这次请求。请选择其他模型重新写。</translation>
    </message>
</context>
</TS>
