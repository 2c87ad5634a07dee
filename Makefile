# Wenan Studio. `make run` starts it; `make test` runs every test headless.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The CPU build; a CUDA machine can pass e.g. TORCH="torch --index-url <its CUDA wheel index>".
TORCH  ?= torch==2.13.0
STAMP  := $(VENV)/.installed

.PHONY: run demo test test-gpu lint-imports bench venv clean i18n screenshots package test-package

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

# On Linux, first the system libraries Qt's window needs (installed when root or sudo -n can, else the command
# is printed); then the sources byte-compiled, as pip does for installed packages, so even the first start is quick.
run: $(STAMP)
	$(BIN)/python packaging/linux/qt_deps.py
	$(BIN)/python -m compileall -q main.py engine ui
	$(BIN)/python main.py

demo: $(STAMP)
	$(BIN)/python main.py demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 $(BIN)/python -m pytest
	$(BIN)/lint-imports

# The tests marked `gpu` (skipped by `make test`): on a machine with an NVIDIA GPU and a CUDA torch.
test-gpu: $(STAMP)
	QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 WENAN_GPU_TESTS=1 $(BIN)/python -m pytest -m gpu

lint-imports: $(STAMP)
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/train_speed.py
	$(BIN)/python bench/generate_speed.py
	$(BIN)/python bench/insight_speed.py
	$(BIN)/python bench/data_load_speed.py

# Refresh the Qt Linguist sources from ui/ (existing translations are kept), then compile them.
I18N_TS := resources/i18n/wenan_zh_CN.ts
i18n: $(STAMP)
	$(BIN)/pyside6-lupdate $$(find ui -name '*.py' | sort) -no-obsolete -ts $(I18N_TS)
	$(BIN)/pyside6-lrelease $(I18N_TS) -qm $(I18N_TS:.ts=.qm)

# Each page rendered offscreen with real content; needs a CJK font (Debian: fonts-noto-cjk).
screenshots: $(STAMP)
	fc-list :lang=zh | grep -q . || (apt-get update && apt-get install -y fonts-noto-cjk)
	QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 $(BIN)/python -m ui.screenshots docs/screenshots

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# ---- installers (packaging/README.md) ----
# `make package` builds the one-folder bundle for this OS into dist/ (on Linux also the .tar.gz
# and the .deb); `make test-package` then installs and runs them. FLAVOUR=cuda builds with a
# CUDA torch in its own venv; BASE_MODEL=DIR ships a local Hugging Face model as a built-in base.
FLAVOUR    ?= cpu
BASE_MODEL ?=
# Check pytorch.org's install selector for the CUDA index that matches this torch version.
TORCH_CUDA ?= torch==2.13.0 --index-url https://download.pytorch.org/whl/cu130
APP_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
ifeq ($(FLAVOUR),cuda)
PKG_VENV := build/venv-cuda
APP      := wenan-studio-cuda
else ifeq ($(FLAVOUR),cpu)
PKG_VENV := $(VENV)
APP      := wenan-studio
else
$(error FLAVOUR must be cpu or cuda)
endif
PKG_STAMP    := $(PKG_VENV)/.installed-package
BUNDLE_STAMP := build/$(APP).bundle
PKG_OPTIONS  := build/$(APP).options
PKG_INPUTS   := main.py pyproject.toml packaging/wenan.spec packaging/bundle_contents.py packaging/make_icons.py \
                packaging/hooks/rthook_offline.py $(shell find engine ui resources -type f ! -name '*.pyc' 2>/dev/null)
LINUX_PKGS   := dist/$(APP)-$(APP_VERSION)-linux-$(shell uname -m).tar.gz

$(VENV)/.installed-package: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[package]"
	touch $@

build/venv-cuda/.installed-package: pyproject.toml
	test -x build/venv-cuda/bin/python || $(PYTHON) -m venv build/venv-cuda
	build/venv-cuda/bin/python -m pip install --quiet --upgrade pip
	build/venv-cuda/bin/python -m pip install --quiet $(TORCH_CUDA)
	build/venv-cuda/bin/python -m pip install --quiet -e ".[package]"
	touch $@

# Rebuilt only when a source, pyproject.toml or an option changed: a PyInstaller build of torch takes
# minutes. The venv is an order-only prerequisite: re-running pip after a Makefile edit changes nothing.
$(PKG_OPTIONS): FORCE
	@mkdir -p build
	@echo '$(BASE_MODEL)' | cmp -s - $@ || echo '$(BASE_MODEL)' > $@

$(BUNDLE_STAMP): $(PKG_INPUTS) $(PKG_OPTIONS) | $(PKG_STAMP)
	$(PKG_VENV)/bin/pyinstaller packaging/wenan.spec --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller-$(FLAVOUR) -- --flavour $(FLAVOUR) $(if $(BASE_MODEL),--base-model "$(BASE_MODEL)")
	touch $@

$(LINUX_PKGS): $(BUNDLE_STAMP) $(wildcard packaging/linux/* packaging/linux/deb/*)
	bash packaging/linux/build_archives.sh dist/$(APP) $(APP_VERSION)

package: $(BUNDLE_STAMP) $(if $(filter Linux,$(shell uname -s)),$(LINUX_PKGS))

test-package: package
	QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 WENAN_PACKAGE_TESTS=1 WENAN_PACKAGE_APP=$(APP) \
		$(BIN)/python -m pytest tests/test_package.py

.PHONY: FORCE
FORCE:
