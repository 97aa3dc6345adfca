# The Amazon plugin, installed by `packer init` (build.sh runs it).
#
# This block lives in a file of its own on purpose: Packer 1.6.6 (Debian's package, which the
# tests use to validate the templates offline) predates `required_plugins` and rejects it, so
# packer/packer_test.go validates every other file without this one. Real builds need
# Packer >= 1.7 and read it.
packer {
  required_version = ">= 1.7.0"
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = "~> 1.3"
    }
  }
}
