# The two commands a newcomer needs (see README.md):
#   make demo   install everything, build the demo city on SQLite, serve it on :5000
#   make test   install everything and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO ?= --small
HOST ?= 127.0.0.1
PORT ?= 5000
RTSP_PORT ?= 8554

.PHONY: demo test install system-packages bench clean translations screenshots

$(BIN)/camreg: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: system-packages $(BIN)/camreg

# Debian packages: ffmpeg encodes test clips; GStreamer's RTSP server (run by Debian's python3,
# which has python3-gi) serves them; Chromium and its driver run the browser tests, with CJK
# fonts for Chinese pages. Installed only when missing (needs root, as CI is).
DEB_PACKAGES := ffmpeg python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base \
	gstreamer1.0-plugins-good gstreamer1.0-plugins-bad chromium chromium-driver fonts-noto-cjk
system-packages:
	@if ! dpkg -s $(DEB_PACKAGES) >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $(DEB_PACKAGES); \
	fi

# The demo's cameras point at clips served by a local RTSP server (a few dead on purpose); the
# scheduler runs inside the web process, so states and faults appear within a minute.
demo: install
	$(BIN)/camreg demo $(DEMO) --rtsp-base rtsp://127.0.0.1:$(RTSP_PORT)
	$(BIN)/camreg demo-streams --port $(RTSP_PORT) & streams=$$!; \
	trap 'kill $$streams' EXIT INT TERM; \
	CAMREG_SCHEDULER=1 CAMREG_LIVENESS_INTERVAL_S=15 CAMREG_PICTURE_INTERVAL_S=120 \
		$(BIN)/camreg run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

translations: install
	$(BIN)/python camera_registry/i18n.py

# Refresh the README's screenshots from the browser tests.
screenshots: install
	CAMREG_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/e2e

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
