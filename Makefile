# genlgen's build entry points. `make help` lists the targets.
#
# Layout of this file: settings, then one section per area (deps, e2e, ...),
# then housekeeping. A new area adds its own section; a target shows up in
# `make help` when its rule line ends in "## description".

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# ---------------------------------------------------------------------------
# Settings (override on the command line: make e2e KVER=...)
# ---------------------------------------------------------------------------

GO    ?= go
BUILD ?= build

# The kernel the project is tested against: Debian's 6.12 cloud kernel. It is
# booted by the QEMU e2e harness and kernel modules are built against its
# headers.
KVER_PIN := 6.12.117+deb12-cloud-amd64

# KVER is the pinned release, or the newest installed 6.12 cloud kernel when
# the pinned one left the archive and `make deps` installed another one
# instead. Deferred on purpose: it is re-read after deps has run.
KVER ?= $(shell scripts/kver.sh $(KVER_PIN))

# KDIR is the kernel build tree for modules: the running kernel's when its
# headers are installed, else the pinned one's. Modules that go into the VM
# are always built against VM_KDIR, the booted release's headers.
HOST_KREL := $(shell uname -r)
KDIR      ?= $(if $(wildcard /lib/modules/$(HOST_KREL)/build),/lib/modules/$(HOST_KREL)/build,/usr/src/linux-headers-$(KVER))
VM_KDIR   ?= /usr/src/linux-headers-$(KVER)

# The parts of Debian's kernel source we use (checkpatch, YNL tools and
# specs, uapi headers), unpacked by `make deps`.
LINUX_SRC_TAR ?= /usr/src/linux-source-6.12.tar.xz
LINUX_SRC     ?= $(BUILD)/linux-source-6.12

# Files and directories `make clean` removes; sections append to it.
CLEAN_FILES :=

# ---------------------------------------------------------------------------
# Host dependencies
# ---------------------------------------------------------------------------

.PHONY: deps
deps: ## Install host packages (as root) and unpack the kernel source parts
	@scripts/deps.sh $(KVER)
	@scripts/linux-source.sh $(LINUX_SRC_TAR) $(LINUX_SRC)

.PHONY: deps-check
deps-check: ## Fail, naming them, when host packages are missing
	@scripts/deps.sh --check $(KVER)

# ---------------------------------------------------------------------------
# QEMU end-to-end tests
#
# Each suite boots KVER under QEMU with some modules and one guest test
# binary (see e2e/vm). To add one: append its name to E2E_SUITES and write
# an e2e-<name> rule that runs $(VMRUN), for example
#
#   e2e-doc_exmpl: deps $(VMRUN_BIN) kmod $(E2E_OUT)/doc_exmpl.test
#   	$(VMRUN) $(VMRUN_FLAGS) -ko kmod/doc_exmpl.ko -test $(E2E_OUT)/doc_exmpl.test
#
# where the guest test binary comes from $(call guest-test,OUT,PACKAGE).
# ---------------------------------------------------------------------------

E2E_OUT     := $(BUILD)/e2e
E2E_SUITES  := smoke storm doc_exmpl alltypes
VMRUN_BIN   := $(BUILD)/bin/vmrun
VMRUN_FLAGS ?= -q
VMRUN        = $(VMRUN_BIN) -kver $(KVER)

# $(call guest-test,OUT,PACKAGE): build a static test binary that runs in the
# guest. Guest-only test files carry the e2e_guest build tag.
guest-test = CGO_ENABLED=0 $(GO) test -c -tags e2e_guest -o $(1) $(2)

# $(call vm-module,DIR,SRCDIR): build the out-of-tree module in SRCDIR
# against the VM's kernel, in DIR (a copy, so the source tree stays clean),
# with W=1 and every warning an error.
vm-module = mkdir -p $(1) && cp $(2)/Kbuild $(wildcard $(2)/*.c $(2)/*.h) $(1)/ && \
	$(MAKE) -s -C $(VM_KDIR) M=$(abspath $(1)) W=1 KCFLAGS=-Werror modules

.PHONY: e2e
e2e: $(addprefix e2e-,$(E2E_SUITES)) ## Run every QEMU e2e suite

.PHONY: e2e-smoke
e2e-smoke: deps $(VMRUN_BIN) $(E2E_OUT)/hello/hello.ko $(E2E_OUT)/smoke.test ## Boot the VM with the hello module and the smoke test
	$(VMRUN) $(VMRUN_FLAGS) -ko $(E2E_OUT)/hello/hello.ko -test $(E2E_OUT)/smoke.test

# Go and Kbuild decide themselves what is up to date: always ask them.
$(VMRUN_BIN): FORCE
	$(GO) build -o $@ ./e2e/cmd/vmrun

$(E2E_OUT)/hello/hello.ko: deps FORCE
	$(call vm-module,$(E2E_OUT)/hello,e2e/testdata/hello)

$(E2E_OUT)/smoke.test: FORCE
	$(call guest-test,$@,./e2e/smoke)

# e2e-doc_exmpl (e2e/doc_exmpl): the DOC_EXMPL family of kmod/ through the
# generated Go client: echo, malformed requests and their extended ACKs, a
# 10,000-entry history dump, notifications, the admin-only clear as nobody,
# concurrent clients, rmmod/insmod under open sockets, and the generated
# nlctrl and netdev clients. The tests reload the module from its path in
# the guest, which -ko passes on.
DOC_EXMPL_KO := $(E2E_OUT)/doc_exmpl/doc_exmpl.ko

.PHONY: e2e-doc_exmpl
e2e-doc_exmpl: deps $(VMRUN_BIN) $(DOC_EXMPL_KO) $(E2E_OUT)/doc_exmpl.test ## Run DOC_EXMPL end to end in the VM (kmod/ module, generated client)
	$(VMRUN) $(VMRUN_FLAGS) -ko $(DOC_EXMPL_KO) \
		-test '$(E2E_OUT)/doc_exmpl.test -ko=/e2e/modules/doc_exmpl.ko'

$(DOC_EXMPL_KO): deps FORCE
	$(call vm-module,$(@D),kmod)

$(E2E_OUT)/doc_exmpl.test: FORCE
	$(call guest-test,$@,./e2e/doc_exmpl)

# e2e-storm (e2e/storm): two storms of 100,000 hostile messages at the
# doc_exmpl module of kmod/; two rounds of deeper attacks at the alltypes
# module of e2e-alltypes (built by its rule below), then its unload under
# load; then permission and namespace probes of two test modules generated
# from e2e/storm/testdata: gg_perm (one op per permission flag) and
# gg_local (-netnsok=false). Their handler stubs are made to return 0, so
# an allowed request succeeds.
STORM_OUT := $(E2E_OUT)/storm
STORM_KOS := $(STORM_OUT)/doc_exmpl/doc_exmpl.ko $(STORM_OUT)/gg_perm/gg_perm.ko $(STORM_OUT)/gg_local/gg_local.ko \
	$(E2E_OUT)/alltypes/alltypes.ko

.PHONY: e2e-storm
e2e-storm: deps $(VMRUN_BIN) $(STORM_KOS) $(E2E_OUT)/storm.test ## Storm doc_exmpl and alltypes with hostile messages, unload alltypes under load; probe permissions and netns defaults
	$(VMRUN) $(VMRUN_FLAGS) -timeout 15m $(addprefix -ko ,$(STORM_KOS)) -test $(E2E_OUT)/storm.test

$(STORM_OUT)/doc_exmpl/doc_exmpl.ko: deps FORCE
	$(call vm-module,$(@D),kmod)

$(STORM_OUT)/gg_perm/gg_perm.ko: STORM_SPEC = e2e/storm/testdata/perm.yaml
$(STORM_OUT)/gg_local/gg_local.ko: STORM_SPEC = -netnsok=false e2e/storm/testdata/local.yaml
# Generated into build/ and built in place (vm-module's copy is for
# source trees, and its wildcard would not see files made by this recipe).
$(STORM_OUT)/gg_%.ko: deps FORCE
	rm -rf $(@D)
	$(GO) run ./cmd/genlgen -q -kmod $(@D) $(STORM_SPEC)
	sed -i 's/return -EOPNOTSUPP;/return 0;/' $(@D)/$(basename $(@F))_main.c
	$(MAKE) -s -C $(VM_KDIR) M=$(abspath $(@D)) W=1 KCFLAGS=-Werror modules

$(E2E_OUT)/storm.test: FORCE
	$(call guest-test,$@,./e2e/storm)

# e2e-alltypes (e2e/alltypes): every attribute type of the all-types spec
# (internal/gogen/testdata/alltypes.yaml) Go -> kernel -> Go: thousands of
# random valid echoes, dumps and notifications through the generated Go
# client, invalid values rejected with their extack, slab flat across a
# second batch, rmmod. The module's handlers (e2e/alltypes/kmod) use the
# typed helpers genlgen generates at build time into $(ALLTYPES_OUT); the
# build fails when genlgen had to append a stub to the handler file.
ALLTYPES_OUT  := $(E2E_OUT)/alltypes
ALLTYPES_SPEC := internal/gogen/testdata/alltypes.yaml
ALLTYPES_KO   := $(ALLTYPES_OUT)/alltypes.ko

.PHONY: e2e-alltypes
e2e-alltypes: deps $(VMRUN_BIN) $(ALLTYPES_KO) $(E2E_OUT)/alltypes.test ## Round-trip every attribute type through the alltypes module (generated helpers, generated client)
	$(VMRUN) $(VMRUN_FLAGS) -ko $(ALLTYPES_KO) \
		-test '$(E2E_OUT)/alltypes.test -ko=/e2e/modules/alltypes.ko'

$(ALLTYPES_KO): deps FORCE
	rm -rf $(@D)
	mkdir -p $(@D)
	cp e2e/alltypes/kmod/alltypes_main.c $(@D)/
	$(GO) run ./cmd/genlgen -q -kmod $(@D) $(ALLTYPES_SPEC)
	@cmp -s e2e/alltypes/kmod/alltypes_main.c $(@D)/alltypes_main.c || \
		{ echo "e2e/alltypes/kmod/alltypes_main.c lacks handlers genlgen appended:"; \
		  diff e2e/alltypes/kmod/alltypes_main.c $(@D)/alltypes_main.c; exit 1; }
	$(MAKE) -s -C $(VM_KDIR) M=$(abspath $(@D)) W=1 KCFLAGS=-Werror modules

$(E2E_OUT)/alltypes.test: FORCE
	$(call guest-test,$@,./e2e/alltypes)

CLEAN_FILES += $(E2E_OUT) $(VMRUN_BIN)

# ---------------------------------------------------------------------------
# Parity with the kernel (parity/, PARITY.md)
#
# One VM boot loads, for every spec in PARITY_FAMILIES, genlgen's module
# (family <spec>_gg, module <spec>_gg.ko) beside the kernel's own family,
# and, for every genetlink spec of the 7.3 corpus (PARITY_73), the kernel's
# own YNL generator's kernel code built into a module (family <spec>_yk)
# beside genlgen's module of that spec (family <spec>_g7), and prints all
# their policy snapshots; the parity command then compares them, runs the
# kernel's Python YNL client and genlgen's Go clients against the host
# kernel, and writes PARITY.md. It fails on a difference parity/known.go
# does not explain.
# ---------------------------------------------------------------------------

PARITY_OUT      := $(BUILD)/parity
PARITY_SPECS    ?= $(LINUX_SRC)/Documentation/netlink/specs
PARITY_FAMILIES := netdev devlink handshake mptcp_pm fou team nfsd \
	nlctrl ethtool tcp_metrics ovs_datapath ovs_vport ovs_flow
# Kernel modules that register some of these families (built in otherwise).
PARITY_KERNEL_MODULES := fou openvswitch team nfsd
# The 7.3 corpus: specs/, the kernel's generator pyynl/ynl_gen_c.py, uapi/.
PARITY_73       ?= ../shared/ynl-7.3
PARITY_BIN      := $(BUILD)/bin/parity
PARITYMODS_BIN  := $(BUILD)/bin/paritymods
GENLGEN_BIN     := $(BUILD)/bin/genlgen

# The modules to load are listed by parity-modules in kos.txt (a 7.3 spec's
# pair only when both of its modules built), the commands whose policies
# 6.12 cannot dump in skip-ops.txt.
.PHONY: parity
parity: deps $(VMRUN_BIN) $(PARITY_BIN) $(PARITY_OUT)/parity.test parity-modules ## Compare genlgen with the kernel (policies in the VM, 7.3 policies with the kernel's generator, data with cli.py); writes PARITY.md
	$(VMRUN) $(VMRUN_FLAGS) -name parity -out $(PARITY_OUT)/vm \
		$(addprefix -ko ,$(PARITY_KERNEL_MODULES)) $$(sed 's/^/-ko /' $(PARITY_OUT)/kos.txt) \
		-test "$(PARITY_OUT)/parity.test -test.run ^TestSnapshots\$$ -skip-ops=$$(cat $(PARITY_OUT)/skip-ops.txt)"
	$(PARITY_BIN) -serial $(PARITY_OUT)/vm/serial.log -linux $(LINUX_SRC) \
		-specs $(PARITY_SPECS) -k73 $(PARITY_OUT)/k73.json -specs73 $(PARITY_73)/specs -o PARITY.md

# Every module of the run in one Kbuild directory and one kernel make, with
# vm-module's settings (W=1, -Werror): genlgen's 6.12 modules at the top
# (-family-name <spec>_gg also names the module <spec>_gg.ko, so it does
# not clash with the kernel's module of the spec's name: fou, team, nfsd),
# the 7.3 ones in subdirectories. A 7.3 module that does not build against
# 6.12 is left out with its first error (k73.json, PARITY.md); see
# parity/cmd/paritymods. Sources are generated aside and copied only when
# they changed, so Kbuild rebuilds only what it must.
.PHONY: parity-modules
parity-modules: $(GENLGEN_BIN) $(PARITYMODS_BIN)
	$(PARITYMODS_BIN) -genlgen $(GENLGEN_BIN) -kdir $(VM_KDIR) -out $(PARITY_OUT) \
		-specs $(PARITY_SPECS) -families '$(PARITY_FAMILIES)' -k73 $(PARITY_73)

$(GENLGEN_BIN): FORCE
	$(GO) build -o $@ ./cmd/genlgen

$(PARITY_BIN): FORCE
	$(GO) build -o $@ ./parity/cmd/parity

$(PARITYMODS_BIN): FORCE
	$(GO) build -o $@ ./parity/cmd/paritymods

$(PARITY_OUT)/parity.test: FORCE
	$(call guest-test,$@,./parity)

CLEAN_FILES += $(PARITY_OUT) $(PARITY_BIN) $(PARITYMODS_BIN) $(GENLGEN_BIN)

# ---------------------------------------------------------------------------
# Kernel module of the doc_exmpl example (kmod/)
#
# kmod/ is genlgen's output for spec/doc_exmpl.yaml: the regenerated uAPI
# header, policies, ops and family, and the hand-written handlers in the
# user-owned kmod/doc_exmpl_main.c. `make kmod` builds kmod/doc_exmpl.ko in
# place against KDIR with W=1.
# ---------------------------------------------------------------------------

.PHONY: kmod kmod-check
kmod: ## Build kmod/doc_exmpl.ko against KDIR (W=1)
	+$(MAKE) -C kmod KDIR=$(KDIR) W=1

kmod-check: ## Fail when kmod/ is stale against spec/doc_exmpl.yaml
	$(GO) run ./cmd/genlgen -check -kmod kmod spec/doc_exmpl.yaml

CLEAN_FILES += $(addprefix kmod/,*.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order)

# ---------------------------------------------------------------------------
# Tests
#
# `make check` is the contributor's quick check: gofmt, go vet, staticcheck
# and the Go tests, as any user, installing nothing on the host (the first
# run downloads staticcheck into the Go module cache) and booting no VM.
# Tests that need root, the kernel's families or a tool that is missing
# skip themselves; TestSmokeVM, the one Go test that boots QEMU, is skipped
# by name.
#
# `make test` is the one command that runs every test on a fresh machine:
# it installs what the tests need (deps), then runs `make check` with the
# kernel-dependent Go tests required (they fail instead of skipping) and
# none skipped, the QEMU suites, and short runs of the benchmarks and fuzz
# targets so they cannot rot. .ci/run calls exactly this.
# ---------------------------------------------------------------------------

TEST_ENV := GENLGEN_REQUIRE_KERNEL=1 GENLGEN_REQUIRE_VM=1

# staticcheck, pinned; run over two build configurations merged, the host
# one and the e2e guest tests' (-tags e2e_guest), so that code used by only
# one of them is not reported unused.
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
STATICCHECK_MATRIX := host:\nguest: -tags=e2e_guest\n

# What `make check` passes `go test`, and the environment it runs it in.
CHECK_TESTFLAGS ?= -skip '^TestSmokeVM$$'
CHECK_ENV       ?=

.PHONY: check
check: fmt-check ## Quick check as any user, no root, no VM: gofmt, go vet, staticcheck, go test ./...
	$(GO) vet ./...
	$(GO) vet -tags e2e_guest ./e2e/...
	printf '$(STATICCHECK_MATRIX)' | $(STATICCHECK) -matrix ./...
	$(CHECK_ENV) $(GO) test $(CHECK_TESTFLAGS) ./...

.PHONY: test
test: deps ## Install what tests need, then run every test (make check, QEMU e2e, parity, bench and fuzz smoke)
	$(MAKE) check CHECK_ENV='$(TEST_ENV)' CHECK_TESTFLAGS='-count=1 -timeout 20m'
	$(MAKE) e2e
	$(MAKE) parity
	$(MAKE) bench-smoke
	$(MAKE) fuzz-smoke

.PHONY: fmt-check
fmt-check: ## Fail, naming them, when Go files are not gofmt-formatted
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt -w needed on:"; echo "$$out"; exit 1; fi

.PHONY: bench-smoke
bench-smoke: bench-c-smoke ## Run every benchmark once (-benchtime 1x) so they keep compiling and running
	$(GO) test -run '^$$' -bench . -benchtime 1x ./...

# Counts of executions, not durations: Go 1.26's fuzzing coordinator can
# fail a duration run at its deadline for nothing (golang/go#75804; see
# scripts/fuzz.sh). 50000 executions take 4 to 12 s per target here. A
# target that costs more per execution caps its own count with a comment
# above it: cmd/genlgen's FuzzGenerate (spec -> Go + C -> disk) runs 5000,
# about 30 s.
FUZZTIME ?= 50000x

.PHONY: fuzz-smoke
fuzz-smoke: ## Run each fuzz target for FUZZTIME (default 50000 executions)
	GO=$(GO) scripts/fuzz.sh $(FUZZTIME) $(BUILD)/fuzz

# The robustness bar: every fuzz target runs this long without a failure
# before a change to a decoder or the runtime's stream parser lands.
FUZZTIME_LONG ?= 10m

.PHONY: fuzz
fuzz: ## Run each fuzz target for FUZZTIME_LONG (default 10m), one after the other
	$(MAKE) fuzz-smoke FUZZTIME=$(FUZZTIME_LONG)

# ---------------------------------------------------------------------------
# Benchmarks
#
# BENCHMARKS.md says what each benchmark measures and what it gave. The
# machine is usually shared: -cpu 1, many rounds, and the cpu-ns metrics
# (process CPU time, which scheduling delays do not inflate) next to ns/op.
# ---------------------------------------------------------------------------

BENCH_COUNT ?= 10
BENCH_OUT   := $(BUILD)/bench
BENCHSTAT   ?= $(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

# The C baselines (bench/c/ynlbench.c): raw netlink loops in C and the
# kernel's own C library, libynl, whose nlctrl and netdev clients
# bench/c/Makefile generates with the 6.12 tree's ynl-gen-c.py and builds
# into build/libynl. Output in Go benchmark format, named like the Go
# benchmarks they are baselines of.
YNLBENCH   := $(BUILD)/libynl/ynlbench
YNLBENCH_N ?= 20000

.PHONY: bench
# Rounds interleave the Go benchmarks and the C baselines (scripts/bench.sh);
# benchstat summarises every figure, bench/cmd/benchtable the ratios.
bench: $(YNLBENCH) ## Run the performance benchmarks against the C baselines (-cpu 1, BENCH_COUNT interleaved rounds); tables in build/bench
	GO=$(GO) scripts/bench.sh $(BENCH_OUT) $(BENCH_COUNT) $(YNLBENCH) $(YNLBENCH_N)
	$(BENCHSTAT) $(BENCH_OUT)/bench.txt

.PHONY: bench-c bench-c-smoke
# pipefail: tee must not hide ynlbench failing.
bench-c: SHELL := /bin/bash
bench-c: .SHELLFLAGS := -o pipefail -c
bench-c: $(YNLBENCH) ## Run the C baselines (raw C loops, the kernel's libynl), BENCH_COUNT rounds
	@mkdir -p $(BENCH_OUT)
	$(YNLBENCH) -n $(YNLBENCH_N) -count $(BENCH_COUNT) | tee $(BENCH_OUT)/c.txt

bench-c-smoke: $(YNLBENCH) ## Run each C baseline a few iterations so they keep building and running
	$(YNLBENCH) -n 5 -count 1

$(YNLBENCH): deps FORCE
	+$(MAKE) -s -f bench/c/Makefile LINUX_SRC=$(LINUX_SRC) OUT=$(@D)

CLEAN_FILES += $(BENCH_OUT) $(BUILD)/libynl

# ---------------------------------------------------------------------------
# Housekeeping
# ---------------------------------------------------------------------------

.PHONY: clean
clean: ## Remove build outputs (keeps the unpacked kernel source)
	rm -rf $(CLEAN_FILES)

.PHONY: distclean
distclean: clean ## Remove all of $(BUILD), the unpacked kernel source too
	rm -rf $(BUILD)

.PHONY: help
help: ## Show this list
	@echo "usage: make TARGET [KVER=...] [KDIR=...]"
	@awk -F':.*## ' '/^[A-Za-z0-9_.-]+:.*## / { printf "  %-14s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo "KVER=$(KVER) KDIR=$(KDIR)"

# `make print-VAR` prints a variable (used by tests to read KVER).
print-%:
	@echo '$($*)'

.PHONY: FORCE
FORCE:
