# runnerfleet — see README.md. `make demo` and `make test` set up everything they need.
GO        ?= go
BIN       := $(CURDIR)/bin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
TERRAFORM_VERSION := 1.5.7
GOTESTFLAGS ?=
FUZZTIME  ?= 60s
BENCHRUNS ?= 9

export PATH := $(BIN):$(PATH)

.PHONY: build tools test demo bench fuzz clean

build: ## build bin/runnerfleet
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN)/runnerfleet ./cmd/runnerfleet

tools: $(BIN)/terraform ## build Terraform $(TERRAFORM_VERSION) (the last MPL release) into bin/

# Rebuilt only when bin/terraform is missing or another version.
$(BIN)/terraform:
	@if [ -x $(BIN)/terraform ] && $(BIN)/terraform version | head -n1 | grep -q "v$(TERRAFORM_VERSION)$$"; then \
		echo "bin/terraform is already v$(TERRAFORM_VERSION)"; \
	else \
		echo "building Terraform v$(TERRAFORM_VERSION) into bin/ (a few minutes the first time)"; \
		GOBIN=$(BIN) $(GO) install github.com/hashicorp/terraform@v$(TERRAFORM_VERSION); \
	fi
.PHONY: $(BIN)/terraform

test: tools ## go vet and every test, with the real terraform
	$(GO) vet ./...
	RUNNERFLEET_REQUIRE_TERRAFORM=1 $(GO) test $(GOTESTFLAGS) ./...

demo: build ## reconcile the multi-runner example from a local git repo into ./demo, change it, reconcile again
	./scripts/demo.sh

bench: ## run the benchmarks (about 2 minutes; BENCHRUNS=9 runs of each side) and print the table of figures, goals and ratios
	$(GO) run ./tools/benchtable -n $(BENCHRUNS)

# Each fuzz target in turn, for $(FUZZTIME) each; crashers land in the package's testdata/fuzz.
FUZZ_TARGETS := FuzzParse:./internal/fleet/ FuzzSplit:./internal/report/ \
	FuzzLoadStatus:./reconcile/ FuzzReadWorkspace:./workspaces/

fuzz: ## each fuzz target for $(FUZZTIME)
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz: $${t%%:*} in $${t#*:} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t%%:*}$$" -fuzztime $(FUZZTIME) "$${t#*:}"; \
	done

clean:
	rm -rf demo $(BIN)/runnerfleet
