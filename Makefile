# runnerfleet — see README.md. `make demo` and `make test` set up everything they need.
GO        ?= go
BIN       := $(CURDIR)/bin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
TERRAFORM_VERSION := 1.5.7
GOTESTFLAGS ?=
FUZZTIME  ?= 60s

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

bench: ## benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...

fuzz: ## each fuzz target for $(FUZZTIME)
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/fleet/

clean:
	rm -rf demo $(BIN)/runnerfleet
