"""`wenan --self-test`: a headless smoke test of this copy of the app, bundled or not.

Checks what a fresh install needs: that it is offline, the bundled sample, the model
classes, a short training, generation, a LoRA adapter on a pretrained base, the history,
a CSV export, the display (that the window can open here: the system libraries Qt needs),
the window, and the engine process the window starts from this same executable. Prints one line per
step and exits 0 only if every step worked. All data goes to a temporary folder
that is removed at the end; the user's library, history and settings are untouched.
WENAN_DEBUG=1 adds tracebacks and Qt's messages.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

MODEL = "self-test"
LORA_MODEL = "self-test-lora"
PROMPT = "这款保温杯"
WINDOW_TIMEOUT_MS = 20_000
WORKER_TIMEOUT_MS = 60_000


@dataclass
class Context:
    home: Path
    debug: bool
    variants: list[str] = field(default_factory=list)
    seed: int = 0
    window_check: object = None  # ui.display_check.WindowCheck, made before the platform is changed


# ---- the steps; each returns the detail shown after OK ----

def step_data_folder(ctx: Context) -> str:
    from engine.common import paths

    return str(paths.data_dir())


def step_offline(ctx: Context) -> str:
    """Hugging Face libraries resolve everything locally: the bundle's runtime hook sets this even
    when the user's environment asks for downloads (a source run: engine/__init__.py, unless set)."""
    import huggingface_hub.constants  # what transformers and huggingface_hub both read

    if not huggingface_hub.constants.HF_HUB_OFFLINE:
        raise RuntimeError(f"downloads are allowed: HF_HUB_OFFLINE={os.environ.get('HF_HUB_OFFLINE')!r}, "
                           f"TRANSFORMERS_OFFLINE={os.environ.get('TRANSFORMERS_OFFLINE')!r}")
    return "Hugging Face downloads are off"


def step_sample(ctx: Context) -> str:
    from engine.common import paths
    from engine.data import load_data

    data = load_data(paths.sample_file())
    if len(data.samples) < 10:
        raise RuntimeError(f"only {len(data.samples)} samples in {paths.sample_file()}")
    return f"{len(data.samples)} samples from {paths.sample_file().name}"


def step_model_classes(ctx: Context) -> str:
    """The classes transformers loads lazily by name: a bundle must have collected them."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    from engine.models import train_tokenizer

    tok = train_tokenizer([PROMPT + " keeps tea warm all day."] * 8, 300)  # a PreTrainedTokenizerFast
    ids = torch.tensor([tok(PROMPT).input_ids])
    built = [type(tok).__name__]
    for kind, sizes in (("gpt2", {"n_layer": 1, "n_head": 2, "n_embd": 32}),
                        ("qwen2", {"num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1,
                                   "hidden_size": 32, "intermediate_size": 64})):
        model = AutoModelForCausalLM.from_config(AutoConfig.for_model(kind, vocab_size=len(tok), **sizes))
        with torch.inference_mode():
            logits = model(input_ids=ids).logits
        if logits.shape[-1] != len(tok):
            raise RuntimeError(f"{kind}: logits of width {logits.shape[-1]}, expected {len(tok)}")
        built.append(type(model).__name__)
    return ", ".join(built)


def step_train(ctx: Context) -> str:
    from engine.common import paths
    from engine.training import TrainConfig, train

    result = train(TrainConfig(data=str(paths.sample_file()), name=MODEL, max_steps=3, batch_size=4,
                               eval_max_batches=2, seed=1))
    if result.path is None or not (result.path / "config.json").is_file():
        raise RuntimeError(f"no model was saved (cancelled={result.cancelled})")
    return f"{result.step} steps on {result.device}, {result.method}, validation loss {result.val_loss:.2f}"


def step_generate(ctx: Context) -> str:
    from engine.writing import GenerateConfig, generate

    result = generate(MODEL, GenerateConfig(prompt=PROMPT, n=3, max_new_tokens=24, seed=7))
    ctx.variants, ctx.seed = list(result.variants), result.seed
    written = [v for v in result.variants if len(v.strip()) > len(PROMPT)]
    if not written:
        raise RuntimeError(f"no text was generated after the prompt: {result.variants!r}")
    return f"{len(result.variants)} variants in {result.elapsed_s:.1f} s, e.g. {written[0][:20]!r}…"


def step_lora(ctx: Context) -> str:
    """A pretrained base (a tiny Qwen2, saved as a download is) with a LoRA adapter: peft, its
    loading and merging, which a bundle must have collected."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from engine.common import paths
    from engine.models import train_tokenizer
    from engine.training import TrainConfig, train
    from engine.writing import GenerateConfig, generate

    base = ctx.home / "pretrained-base"
    tok = train_tokenizer(paths.sample_file().read_text(encoding="utf-8").splitlines(), 512)
    torch.manual_seed(0)
    config = Qwen2Config(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=128,
                         bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    Qwen2ForCausalLM(config).save_pretrained(base)
    tok.save_pretrained(base)
    result = train(TrainConfig(data=str(paths.sample_file()), name=LORA_MODEL, base=str(base), method="lora",
                               max_steps=2, batch_size=4, lora_r=4, eval_max_batches=1, seed=1))
    if result.path is None or not (result.path / "adapter_config.json").is_file():
        raise RuntimeError(f"no adapter was saved (method {result.method}, cancelled={result.cancelled})")
    out = generate(LORA_MODEL, GenerateConfig(prompt=PROMPT, n=1, max_new_tokens=8, seed=7))
    if not out.variants:
        raise RuntimeError("the base with its adapter wrote nothing")
    return f"{result.step} LoRA steps on a Qwen2 base, adapter loaded, merged and drafting"


def step_history(ctx: Context) -> str:
    from engine.history import History
    from engine.writing import GenerateConfig

    with History() as history:
        history.add_run(MODEL, PROMPT, GenerateConfig(prompt=PROMPT), ctx.seed, ctx.variants)
        rows = history.search()
    if len(rows) != len(ctx.variants) or not all(row.ai_generated for row in rows):
        raise RuntimeError(f"stored {len(ctx.variants)} variants, found {len(rows)}")
    return f"{len(rows)} variants stored and found again, labelled AI-generated"


def step_export(ctx: Context) -> str:
    import csv

    from engine.history import History
    from engine.history.export import AI_LABEL, export, rows_for_scope

    with History() as history:
        path = export(rows_for_scope(history, "all"), ctx.home / "export.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    if len(table) != len(ctx.variants) or any(row.get("ai_label") != AI_LABEL for row in table):
        raise RuntimeError(f"{path.name} lacks the AI label or rows: {table[:1]!r}")
    return f"{len(table)} rows in {path.name}, each labelled {AI_LABEL!r}"


def step_display(ctx: Context) -> str:
    """What `python main.py` would find here: a display, and the system libraries Qt's window needs."""
    from .display_check import PLATFORM_NAMES, fix_command, missing_libraries

    check = ctx.window_check
    if check.error is not None and check.error.key != "display_none":
        raise RuntimeError(str(check.error))  # a desktop is there, but the window could not open on it
    if check.platform in PLATFORM_NAMES:
        return f"{PLATFORM_NAMES[check.platform]} display found; the system libraries Qt needs are all there"
    if check.error is None:
        return f"the {check.platform} platform was chosen: no desktop display is involved"
    missing = missing_libraries("xcb")
    note = ("the X11 libraries Qt needs are all there" if not missing else
            f"on a desktop the window would still need {', '.join(missing)}: {fix_command(missing) or 'install them'}")
    return f"no display here (DISPLAY and WAYLAND_DISPLAY are not set), so the window is tested offscreen; {note}"


def step_window(ctx: Context) -> str:
    from PySide6.QtCore import QSettings, QTimer, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from .app import create_application, create_window
    from .settings import AppSettings
    from .worker import running_jobs

    def on_message(kind, context, message):  # e.g. the offscreen platform's notes: noise unless debugging
        if ctx.debug or kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            print(f"    Qt: {message}", file=sys.stderr)

    qInstallMessageHandler(on_message)
    # Settings go to the temporary folder: closing the window saves its geometry.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(ctx.home / "settings"))
    app = create_application([sys.argv[0]])
    window = create_window(AppSettings())
    exposed = []

    def check() -> None:
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            exposed.append(True)
            window.close()
            app.quit()

    poll = QTimer(interval=20, timeout=check)
    poll.start()
    QTimer.singleShot(WINDOW_TIMEOUT_MS, app.quit)
    window.show()
    app.exec()
    poll.stop()
    for job in running_jobs():  # the warm-up worker, if it started
        job.cancel()
    for job in running_jobs():
        job.wait()
    if not exposed:
        raise RuntimeError(f"the window was not shown within {WINDOW_TIMEOUT_MS / 1000:.0f} s")
    if window.isVisible():
        raise RuntimeError("the window did not close")
    title = window.windowTitle()
    window.deleteLater()
    return f"{QApplication.platformName()} platform, {title!r} shown and closed"


def step_worker(ctx: Context) -> str:
    """The window's engine process starts from this same executable (multiprocessing's frozen
    support in a bundle), answers a call, and holds no Qt."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from . import tasks
    from .app import create_application
    from .engine_process import manager
    from .worker import Job

    # The adapter's signals need an application, kept alive (by this name) while the loop runs.
    app = QCoreApplication.instance() or create_application([sys.argv[0]])  # noqa: F841
    manager().shutdown_all()  # the window's warm-up may have started one: time a fresh start
    answer: dict = {}
    loop = QEventLoop()
    job = Job(tasks.ping, args=("self-test",), name="self-test-ping", process="engine")
    job.returned.connect(answer.update)
    job.failed.connect(lambda err, details: answer.update(error=f"{type(err).__name__}: {err}"))
    job.finished.connect(loop.quit)
    QTimer.singleShot(WORKER_TIMEOUT_MS, loop.quit)
    started = time.perf_counter()
    job.start()
    loop.exec()
    seconds = time.perf_counter() - started
    manager().shutdown_all()
    if "error" in answer:
        raise RuntimeError(f"the engine process failed: {answer['error']}")
    if answer.get("value") != "self-test":
        raise RuntimeError(f"the engine process did not answer within {WORKER_TIMEOUT_MS / 1000:.0f} s")
    if answer["frozen"] != bool(getattr(sys, "frozen", False)) or answer["executable"] != sys.executable:
        raise RuntimeError(f"the engine process runs {answer['executable']}, not {sys.executable}")
    # A bundle's every process runs PyInstaller's PySide6 hook, which imports QtCore (and shiboken's
    # support modules) to point Qt at the bundle's own files; no window, no widget is ever made there.
    gui = [name for name in answer["qt"] if name.startswith("PySide6.Qt") and name != "PySide6.QtCore"]
    if gui:
        raise RuntimeError(f"the engine process imported {', '.join(gui)}")
    qt = "QtCore only (PyInstaller's hook)" if answer["qt"] else "no Qt"
    return f"process {answer['pid']} answered in {seconds:.1f} s, started from {Path(sys.executable).name}, {qt}"


STEPS: list[tuple[str, Callable[[Context], str], tuple[str, ...]]] = [
    ("data folder", step_data_folder, ()),
    ("offline", step_offline, ()),
    ("sample data", step_sample, ()),
    ("model classes", step_model_classes, ()),
    ("training", step_train, ("sample data",)),
    ("generation", step_generate, ("training",)),
    ("LoRA", step_lora, ("sample data", "model classes")),
    ("history", step_history, ("generation",)),
    ("CSV export", step_export, ("history",)),
    ("display", step_display, ()),
    ("window", step_window, ()),
    ("engine process", step_worker, ()),
]


def _header() -> str:
    from engine import __version__
    from engine.common import paths

    build = paths.resources_dir() / "build.json"
    kind = "bundle" if getattr(sys, "frozen", False) else "source"
    if build.is_file():
        info = json.loads(build.read_text(encoding="utf-8"))
        kind += f", {info.get('flavour', '?')} flavour, built {info.get('built', '?')}"
    return f"Wenan Studio {__version__} self-test ({kind}; Python {sys.version.split()[0]}, {sys.platform})"


def run_self_test() -> int:
    """Run every step; print one line each; 0 if all worked, 1 otherwise."""
    started = time.perf_counter()
    debug = os.environ.get("WENAN_DEBUG") == "1"
    home = Path(tempfile.mkdtemp(prefix="wenan-selftest-"))
    saved = {key: os.environ.get(key) for key in ("WENAN_HOME", "WENAN_LANG", "QT_QPA_PLATFORM")}
    os.environ["WENAN_HOME"] = str(home / "data")
    os.environ.setdefault("WENAN_LANG", "en")
    from .display_check import check_window

    window_check = check_window(os.environ)  # may choose the platform that works (QT_QPA_PLATFORM)
    if window_check.error is not None:  # no display, or one Qt cannot use: test the window offscreen
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    ctx = Context(home=home, debug=debug, window_check=window_check)
    print(_header(), flush=True)
    results: dict[str, str] = {}
    try:
        for number, (name, step, needs) in enumerate(STEPS, 1):
            prefix = f"[{number}/{len(STEPS)}]"
            failed_needs = [n for n in needs if results.get(n) != "OK"]
            if failed_needs:
                results[name] = "SKIP"
                print(f"{prefix} SKIP    0.0 s  {name}: skipped (needs {failed_needs[0]})", flush=True)
                continue
            t0 = time.perf_counter()
            try:
                detail = step(ctx)
                results[name] = "OK"
                status = "OK  "
            except Exception as err:  # noqa: BLE001 -- every failure is reported, none escapes
                results[name], status = "FAIL", "FAIL"
                detail = f"{type(err).__name__}: {err}"
                if debug:
                    traceback.print_exc()
            print(f"{prefix} {status} {time.perf_counter() - t0:6.1f} s  {name}: {detail}", flush=True)
    finally:
        from engine.writing import clear_cache
        clear_cache()
        if "ui.engine_process" in sys.modules:  # no engine process outlives the self-test
            sys.modules["ui.engine_process"].manager().shutdown_all()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(home, ignore_errors=True)
        if home.exists():
            print(f"note: could not remove the temporary folder {home}", flush=True)
    failures = [name for name, result in results.items() if result == "FAIL"]
    elapsed = time.perf_counter() - started
    if failures:
        print(f"Self-test FAILED ({', '.join(failures)}) after {elapsed:.1f} s.", flush=True)
        return 1
    print(f"Self-test passed in {elapsed:.1f} s.", flush=True)
    return 0
