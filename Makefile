# usnf: `make` builds, `make demo` runs the example router, `make test` runs everything.
# Both install missing Debian packages first (scripts/install-deps).

BUILD ?= build
ASAN ?= build-asan
FUZZ ?= build-fuzz
MESON_SETUP = meson setup --wipe

.PHONY: all deps demo test unit install clean fuzz

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@./scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD)

$(ASAN)/build.ninja:
	CC=clang meson setup $(ASAN) -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug -Dc_args=-fno-sanitize-recover=all

$(FUZZ)/build.ninja:
	CC=clang meson setup $(FUZZ) -Dfuzz=true -Db_lundef=false -Dbuildtype=debug \
		-Db_sanitize=address,undefined -Dc_args=-fsanitize=fuzzer-no-link

asan: deps $(ASAN)/build.ninja
	ninja -C $(ASAN)

fuzz: deps $(FUZZ)/build.ninja
	ninja -C $(FUZZ)

demo: all
	./$(BUILD)/usnf sim -f examples/office-router/setup.sh \
		-i examples/office-router/capture.pcapng -o /tmp/usnf-demo-out.pcapng --trace

test: all asan fuzz
	./tests/run-all $(BUILD) $(ASAN) $(FUZZ)

install: all
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
