# The two quick-start commands (README): `make run` and `make test`.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
CTEST_FLAGS ?=

.PHONY: run test build deps bench clean

run: build
	./$(BUILD)/popek check --report report

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) $(CTEST_FLAGS)

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

deps:
	@.ci/install-deps

bench: build
	./$(BUILD)/reference_bench
	./$(BUILD)/lockstep_bench
	./$(BUILD)/prover_bench
	./$(BUILD)/fuzz_bench
	./$(BUILD)/popek bench fuzz

clean:
	rm -rf $(BUILD) build-asan build-fuzz
