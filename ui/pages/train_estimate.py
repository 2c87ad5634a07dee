"""The Train page's duration estimate, labelled as one, with where its speed comes from."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QLabel

from engine.models import library

from .. import estimate as est
from .. import tasks
from ..worker import Job


def duration_text(seconds: float) -> str:
    """45 s, 12 min, 2.5 h."""
    if seconds < 60:
        return QCoreApplication.translate("Duration", "{n} s").format(n=max(1, round(seconds)))
    if seconds < 90 * 60:
        return QCoreApplication.translate("Duration", "{n} min").format(n=round(seconds / 60))
    return QCoreApplication.translate("Duration", "{n} h").format(n=QLocale().toString(seconds / 3600, "f", 1))


class EstimateLabel(QLabel):
    """Steps from the data size and settings; time from a measured or an assumed speed."""

    def __init__(self, state, form, parent=None):
        super().__init__(parent)
        self.state, self.form = state, form
        self.setWordWrap(True)
        self.setObjectName("trainEstimate")
        self._params: dict[str, int] = {}   # base folder -> parameter count
        self._jobs: set[Job] = set()

    # ---- inputs ----
    def _tokens(self) -> int:
        data = self.state.data
        return est.estimate_tokens(data.stats.chars, data.cjk_share, self._scratch()) if data else 0

    def _scratch(self) -> bool:
        return self.form.base_kind() == "scratch"

    def _base_folder(self) -> Path | None:
        kind, value = self.form.base_kind(), self.form.base_value()
        if kind in ("folder", "builtin") and value:
            return Path(value)
        if kind == "library" and value and library.exists(value):
            info = library.get_model(value)
            if info.card.base.kind == "scratch":
                return None
            return info.card.adapter_base() or info.path
        return None

    def _param_count(self) -> int | None:
        data = self.state.data
        if self._scratch() or self.form.base_kind() == "library" and self._base_folder() is None:
            if data is None:
                return None
            tokens = self._tokens()
            return est.scratch_params(data.stats.chars, tokens, self.form.advanced_values()["block_size"]
                                      or est.SCRATCH_BLOCK)
        folder = self._base_folder()
        if folder is None:
            return None
        key = str(folder)
        if key not in self._params:
            self._count_params(folder)
            return None
        return self._params[key]

    def _count_params(self, folder: Path) -> None:
        """Reading safetensors headers imports torch, so it runs in a worker."""
        if any(job.name == f"params:{folder}" for job in self._jobs):
            return
        job = Job(tasks.count_parameters, args=(folder,), name=f"params:{folder}", process="engine", parent=self)
        job.returned.connect(lambda n: (self._params.__setitem__(str(folder), int(n)), self.refresh()))
        job.failed.connect(lambda *_: None)  # the form already says what is wrong with the folder
        job.finished.connect(lambda: (self._jobs.discard(job), job.deleteLater()))
        self._jobs.add(job)
        job.start()

    def preset_epochs(self) -> float | None:
        return est.preset_epochs(self.form.preset(), self._scratch(), self._tokens())

    def speed_key(self) -> str:
        """Measured speeds are remembered per device kind and kind/size of model."""
        kind = self.state.device.kind if self.state.device is not None else "cpu"
        if self._scratch():
            from engine.models import scratch_size
            size = scratch_size(self._tokens())  # speed depends on the size tier the data picks
            return f"{kind}-scratch-{size.n_layer}x{size.n_embd}"
        return f"{kind}-{self.form.method()}-{self._param_count() or 0}"

    # ---- output ----
    def refresh(self) -> None:
        data, device = self.state.data, self.state.device
        if data is None:
            self.setText("")
            return
        params = self._param_count()
        if device is None or params is None:
            self.setText(self.tr("Estimated time: calculating…"))
            return
        measured = self.state.settings.measured_tokens_per_s(self.speed_key())
        threads = self.state.settings.cpu_threads or _threads_from(device.name)
        lora = self.form.method() == "lora"
        speed = measured or est.assumed_tokens_per_s(device.kind, threads, params, lora)
        adv = self.form.advanced_values()
        result = est.estimate(tokens=self._tokens(), scratch=self._scratch(),
                              epochs=adv["epochs"] or est.preset_epochs(self.form.preset(), self._scratch(),
                                                                        self._tokens()),
                              max_steps=adv["max_steps"], batch_size=adv["batch_size"],
                              block_size=adv["block_size"], val_fraction=0.05, tokens_per_s=speed,
                              measured=measured is not None)
        loc = QLocale()
        source = (self.tr("measured on this computer") if result.measured
                  else self.tr("assumed until a training here measures it"))
        self.setText(self.tr("Estimated time: <b>about {time}</b> ({steps} steps over ≈{tokens} tokens at "
                             "≈{speed} tokens/s, {source}). It is an estimate: the real speed shows once "
                             "training runs.").format(
            time=duration_text(result.seconds), steps=loc.toString(result.steps),
            tokens=loc.toString(result.tokens), speed=loc.toString(round(result.tokens_per_s)), source=source))


def _threads_from(name: str) -> int:
    """DeviceChoice.name for the CPU reads "CPU (N threads)"."""
    digits = "".join(ch for ch in name.split("(")[-1] if ch.isdigit())
    return int(digits) if digits else 1
