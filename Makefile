# vethlab. On a fresh machine, as root:
#   make lab    sets up .venv/ and runs the lab on this machine (ansible-playbook lab.yml)
#   make test   sets up .venv/ and the Docker engine, then lint and every test
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
# Extra ansible-playbook arguments for `make lab`, e.g. LAB_ARGS="-e lab_fresh=true".
LAB_ARGS ?=
# The Molecule scenario `make molecule` runs: default (this machine), fleet (a simulated class), machines (a machine with
# Docker CE) or fedora (machines shaped like Fedora 40 and Rocky Linux 9).
SCENARIO ?= default

.PHONY: help venv lab engine test-deps lint unit test lane-classroom tests-classroom tests-lab tests-alone tests-exclusive molecule bench bench-check bench-fleet bench-grade bench-workers bench-merge fixtures clean

help:
	@echo "make lab       set up .venv/ and run the lab on this machine (LAB_ARGS=... for more)"
	@echo "make test      set up .venv/ and the Docker engine, then lint and run every test"
	@echo "make lint      yamllint, ansible-lint (production profile), ruff"
	@echo "make unit      the tests that need neither Docker nor a browser (pytest markers engine, browser, fleet)"
	@echo "make molecule  one Molecule scenario end to end (SCENARIO=default, fleet, machines or fedora), verified by testinfra"
	@echo "make bench     lab.yml against the lesson as a shell script (warm machine)"
	@echo "make bench-fleet  converge time of a simulated class of 1 and of 4 machines"
	@echo "make bench-workers  a class through one execution node against the same from the controller"
	@echo "make bench-merge  vethlab report --merge of a class of 2,000 machines in 20 slices: CPU and memory"
	@echo "make bench-grade  the controller's CPU per machine for vethlab grade, on a simulated class (cold, warm)"
	@echo "make bench-check  lab-check as root and by the docker group, and one ping through docker exec and the namespace"
	@echo "make fixtures  capture tests/fixtures/captured/ again from the local engine"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -m venv $(VENV) || { echo "'$(PYTHON) -m venv' failed: on Debian/Ubuntu, apt-get install python3-venv"; exit 1; }
	$(BIN)/pip install --quiet --no-compile -r requirements-dev.txt
	@# Byte-compiled on both cores, but not ansible_collections: Ansible's collection loader compiles those from source
	@# at every import and never reads a .pyc (15,000 files: most of pip's own compile time).
	$(BIN)/python -m compileall -q -j 0 -x '/ansible_collections/' $(abspath $(VENV))/lib
	$(BIN)/pip install --quiet --no-deps --editable .
	touch $@

lab: venv
	ansible-playbook lab.yml $(LAB_ARGS)

# The lab's own first step: install and start Docker (and ip, ping, busybox) on this machine.
engine: venv
	ansible-playbook playbooks/docker_engine.yml

# What the tests need on the controller besides Docker: Graphviz (topology SVG), Chromium and a CJK font (looking at
# the pages, Chinese ones too), debootstrap (the simulated student machines' image), tshark (reading the captured
# ping), rpm, createrepo-c and gpg (the fedora scenario's signed stand-in packages and repositories).
test-deps:
	@missing=""; for pkg in graphviz chromium debootstrap openssh-client fonts-wqy-microhei tshark rpm createrepo-c gpg; do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi

lint: venv
	yamllint --strict .
	ansible-lint
	ruff check .
	ruff format --check .

# Exactly the tests that need neither the Docker engine (nor its host tools) nor a browser.
unit: venv
	pytest -n 2 --dist loadfile -m "not engine and not browser and not fleet"

# Two phases (this machine has 2 cores). First everything but the exclusive tests, in two lanes: the lab's own tests on
# this machine's engine, which share its lab (markers engine, not fleet), one after another - the longest chain, about
# 500 s alone - beside the simulated classroom's scenarios (their machines are containers with engines of their own, a
# scenario's apart from another's: two at once, one per pytest-xdist worker, whole files), then lint, then the tests
# that need no engine. That lane runs at nice 10: three pytest processes on two cores slowed the lab's chain by about
# 75 s, and the classroom's lane, lint and the tests without an engine still end before it. Then the few tests that
# stop or break this machine's engine (marker exclusive: nothing else may use the engine meanwhile).
test: venv engine test-deps
	@echo "first the lab's tests beside the classroom's, lint and the tests without an engine; then the exclusive tests"
	$(MAKE) --no-print-directory -j2 --output-sync=target tests-lab lane-classroom
	$(MAKE) --no-print-directory tests-exclusive

lane-classroom: venv
	nice -n 10 $(MAKE) --no-print-directory tests-classroom
	nice -n 10 $(MAKE) --no-print-directory lint
	nice -n 10 $(MAKE) --no-print-directory tests-alone

tests-exclusive: venv
	pytest --durations=10 -m "exclusive"

tests-classroom: venv
	pytest -n 2 --dist loadfile --durations=10 -m "fleet and not exclusive"

tests-lab: venv
	pytest --durations=25 -m "engine and not fleet and not exclusive"

tests-alone: venv
	pytest --durations=10 -m "not engine and not fleet"

# Molecule calls ansible-config and pytest from PATH: the venv's, exported above.
molecule: venv engine test-deps
	molecule test --scenario-name $(SCENARIO)

bench: venv engine
	python scripts/bench_lab.py

fixtures: venv engine
	python tests/capture_fixtures.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .ansible

bench-fleet: venv engine test-deps
	python scripts/bench_fleet.py

bench-grade: venv engine test-deps
	python scripts/bench_grade.py

bench-workers: venv engine test-deps
	python scripts/bench_workers.py

bench-merge: venv
	python scripts/bench_merge.py

bench-check: venv engine
	python scripts/bench_labcheck.py
