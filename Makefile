# adpipe: anomaly detection on contaminated data, as Unix filters.
# GNU make. `make` builds bin/, `make check` runs every test, `make demo` the demo.
VERSION = 0.1.0
PREFIX  = /usr/local
BINDIR  = $(PREFIX)/bin
MANDIR  = $(PREFIX)/share/man
CC      = cc
CFLAGS  = -O2 -g
LDFLAGS =
AD_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -DAD_VERSION=\"$(VERSION)\" -Isrc/lib
AD_CFLAGS   = -std=c11 -Wall -Wextra -Wshadow -Werror -pthread
LDLIBS  = -lm -pthread

LIB_SRC  = $(wildcard src/lib/*.c)
LIB_OBJ  = $(LIB_SRC:.c=.o)
LIB_HDR  = $(wildcard src/lib/*.h)
TOOL_SRC = $(wildcard src/ad-*.c)
TOOLS    = $(patsubst src/%.c,bin/%,$(TOOL_SRC))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNITS    = $(UNIT_SRC:.c=)

all: $(TOOLS)

src/lib/%.o: src/lib/%.c $(LIB_HDR)
	$(CC) $(AD_CPPFLAGS) $(CPPFLAGS) $(AD_CFLAGS) $(CFLAGS) -c -o $@ $<

# Adam's square root vectorises only without errno (src/lib/optim.c)
src/lib/optim.o: AD_CFLAGS += -fno-math-errno

src/lib/libad.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

bin/%: src/%.c src/lib/libad.a $(LIB_HDR)
	@mkdir -p bin
	$(CC) $(AD_CPPFLAGS) $(CPPFLAGS) $(AD_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< src/lib/libad.a $(LDLIBS)

tests/unit/%: tests/unit/%.c src/lib/libad.a $(LIB_HDR) tests/unit/unit.h
	$(CC) $(AD_CPPFLAGS) $(CPPFLAGS) $(AD_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< src/lib/libad.a $(LDLIBS)

units: $(UNITS)

# make check brings what the tests call (BATS, ...) or stops with one line saying
# how (tests/deps.sh); AD_NO_INSTALL=1 never installs.
check test: check-deps all units
	sh tests/run.sh $(UNITS)

check-deps:
	@sh tests/deps.sh

# tests/slurm.bats alone (make check runs it too, skipped where Slurm is not
# installed): brings Debian's slurm-wlm as root (tests/deps.sh slurm), then
# starts a private slurmctld and slurmd on this machine for the test.
check-slurm: all
	@sh tests/deps.sh slurm
	bats tests/slurm.bats

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	cp $(TOOLS) $(DESTDIR)$(BINDIR)/
	for f in man/*.1; do [ -e "$$f" ] && cp "$$f" $(DESTDIR)$(MANDIR)/man1/; done; true
	for f in man/*.5; do [ -e "$$f" ] && cp "$$f" $(DESTDIR)$(MANDIR)/man5/; done; true
	for f in man/*.7; do [ -e "$$f" ] && cp "$$f" $(DESTDIR)$(MANDIR)/man7/; done; true

uninstall:
	for t in $(notdir $(TOOLS)); do rm -f $(DESTDIR)$(BINDIR)/$$t; done
	for f in $(notdir $(wildcard man/*.1)); do rm -f $(DESTDIR)$(MANDIR)/man1/$$f; done
	for f in $(notdir $(wildcard man/*.5)); do rm -f $(DESTDIR)$(MANDIR)/man5/$$f; done
	for f in $(notdir $(wildcard man/*.7)); do rm -f $(DESTDIR)$(MANDIR)/man7/$$f; done

# the README's first command: the whole pipeline on the shipped Fashion-MNIST subset
demo: all
	sh examples/demo.sh

# pass-through to the experiments: make examples ARGS='table1 DATASET=mnist -j2'
examples: all
	$(MAKE) -C examples $(ARGS)

# `make lint` (also run by .ci/run) fails on any finding: every C file of the
# repository compiled with the project's flags (warnings are errors) plus
# LINT_WARN; cppcheck over every C file (the library, the tools, the unit tests,
# the fuzz and bench programs); mandoc -Tlint over the man pages.  cppcheck and
# mandoc are Debian packages: tests/deps.sh lint installs them as make check
# does for BATS, or stops and says what to install.
# cppcheck (2.10) does not know C11's _Noreturn, so ad_die() is spelled the GNU
# way for it only.  The suppressed cppcheck findings are false positives,
# checked by hand: gemm.c's kernel() writes to acc only when c is NULL, and acc
# is non-NULL then; aar.c's memset(a) initialises the local AarInfo that a
# points to.
LINT_WARN = -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
            -Wformat=2 -Wundef -Wvla -Wpointer-arith
LINT_C    = $(LIB_SRC) $(TOOL_SRC) $(UNIT_SRC) $(wildcard tests/fuzz/*.c tests/bench/*.c)
CPPCHECK_FLAGS = --std=c11 --enable=warning,portability --error-exitcode=1 -q \
            '-D_Noreturn=__attribute__((noreturn))' -Itests/fuzz \
            --suppress=nullPointerArithmetic:src/lib/gemm.c --suppress=uninitvar:src/lib/aar.c
lint:
	@sh tests/deps.sh lint
	@for f in $(LINT_C); do \
		$(CC) $(AD_CPPFLAGS) -Itests/fuzz $(AD_CFLAGS) $(LINT_WARN) -O2 -c -o /dev/null $$f || exit 1; \
	done; echo "lint: $(words $(LINT_C)) C files compile without warnings"
	cppcheck $(CPPCHECK_FLAGS) $(AD_CPPFLAGS) $(LINT_C)
	mandoc -Tlint -Wwarning man/*

clean:
	rm -f src/lib/*.o src/lib/libad.a $(TOOLS) $(UNITS)

.PHONY: all check check-deps check-slurm test units install uninstall lint clean demo examples
.SECONDARY:

# ---- Hardening (tests/fuzz/README): fuzz targets, sanitizer and valgrind runs ----
# Every tests/fuzz/fuzz_NAME.c is a libFuzzer target.  `make check` runs the seed
# corpus and the regression inputs through a plain build of each (any CC);
# `make fuzz` fuzzes each with clang for FUZZ_SECONDS (make -j2 fuzz: two at once).
FUZZ_SRC     = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES   = $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))
FUZZ_DRIVERS = $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_HELP    = tests/fuzz/fuzz.c tests/fuzz/fuzz.h
FUZZ_CC      = clang
FUZZ_SECONDS = 60
FUZZ_TIMEOUT = 10
FUZZ_SAN     = address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_LF_OBJ  = $(patsubst src/lib/%.c,build/fuzz/lf/%.o,$(LIB_SRC))

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c $(FUZZ_HELP) src/lib/libad.a $(LIB_HDR)
	@mkdir -p build/fuzz
	$(CC) $(AD_CPPFLAGS) -Itests/fuzz $(CPPFLAGS) $(AD_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/fuzz.c tests/fuzz/driver.c src/lib/libad.a $(LDLIBS)

build/fuzz/lf/%.o: src/lib/%.c $(LIB_HDR)
	@mkdir -p build/fuzz/lf
	$(FUZZ_CC) $(AD_CPPFLAGS) $(AD_CFLAGS) -O1 -g -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -c -o $@ $<

build/fuzz/lf/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_HELP) $(FUZZ_LF_OBJ)
	$(FUZZ_CC) $(AD_CPPFLAGS) -Itests/fuzz $(AD_CFLAGS) -O1 -g -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< tests/fuzz/fuzz.c $(FUZZ_LF_OBJ) $(LDLIBS)

fuzz-drivers: $(FUZZ_DRIVERS)
check test: fuzz-drivers

fuzz: $(patsubst %,fuzz-%,$(FUZZ_NAMES))
	@cat build/fuzz/report/*.txt

fuzz-%: build/fuzz/lf/fuzz_%
	sh tests/fuzz/run.sh $* $(FUZZ_SECONDS) $(FUZZ_TIMEOUT)

# The whole suite built with AddressSanitizer and UndefinedBehaviorSanitizer in
# a copy of the tree under build/asan (tests/check-asan.sh).
check-asan:
	sh tests/check-asan.sh "$(CC)"

# The BATS suite with every tool run under valgrind (tests/valgrind.sh).
check-valgrind: all
	sh tests/valgrind.sh

clean: clean-hardening
clean-hardening:
	rm -rf build

.PHONY: fuzz fuzz-drivers check-asan check-valgrind clean-hardening

# ---- Benchmark (tests/bench/bench.sh): not a test, it prints throughput figures ----
# of ad-train and ad-score, and of a PyTorch reference when torch and MNIST are there.
# No default paths: MNIST_DIR (the MNIST IDX files; without it the shipped
# Fashion-MNIST subset is used) and TORCH_REF (a PyTorch script of the same
# network; without it PyTorch is skipped), e.g. make bench MNIST_DIR=~/data/mnist.
MNIST_DIR =
TORCH_REF =
bench: all
	MNIST_DIR="$(MNIST_DIR)" TORCH_REF="$(TORCH_REF)" CC="$(CC)" sh tests/bench/bench.sh

.PHONY: bench
