package terraform

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// initInputs are digests of what terraform init depends on in a working directory.
// Comparing two of them tells whether init must run again, and with which flags.
type initInputs struct {
	Backend   string `json:"backend"`   // terraform { backend/cloud } blocks
	Providers string `json:"providers"` // the rest of terraform {}: required_providers, required_version
	Modules   string `json:"modules"`   // module blocks' labels, source and version
	Other     string `json:"other"`     // .tf.json files and .tf files HCL cannot parse, whole
	Lock      string `json:"lock"`      // .terraform.lock.hcl
}

// readInputs digests the *.tf and *.tf.json files directly in dir and its dependency lock
// file. A file HCL cannot parse is digested whole: terraform will report its errors.
func readInputs(dir string) (initInputs, error) {
	names, err := configFiles(dir)
	if err != nil {
		return initInputs{}, err
	}
	h := newInputHashes()
	for _, name := range names {
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return initInputs{}, fmt.Errorf("unable to read %s: %w", name, err)
		}
		h.addFile(name, src)
	}
	lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return initInputs{}, fmt.Errorf("unable to read .terraform.lock.hcl: %w", err)
	}
	h.add(h.lock, ".terraform.lock.hcl", lock)
	return h.sum(), nil
}

func configFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("unable to list %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && (strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tf.json")) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

type inputHashes struct {
	backend, providers, modules, other, lock hash.Hash
}

func newInputHashes() *inputHashes {
	return &inputHashes{sha256.New(), sha256.New(), sha256.New(), sha256.New(), sha256.New()}
}

func (h *inputHashes) add(to hash.Hash, label string, b []byte) {
	fmt.Fprintf(to, "%s\x00%d\x00", label, len(b))
	to.Write(b)
}

func (h *inputHashes) addFile(name string, src []byte) {
	if !strings.HasSuffix(name, ".tf") {
		h.add(h.other, name, src)
		return
	}
	file, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	body, ok := file.Body.(*hclsyntax.Body)
	if diags.HasErrors() || !ok {
		h.add(h.other, name, src)
		return
	}
	for _, blk := range body.Blocks {
		switch blk.Type {
		case "terraform":
			h.addTerraformBlock(name, src, blk.Body)
		case "module":
			h.addModuleBlock(name, src, blk)
		}
	}
}

func (h *inputHashes) addTerraformBlock(name string, src []byte, body *hclsyntax.Body) {
	for _, attr := range sortedAttributes(body) {
		h.add(h.providers, name+":"+attr.Name, slice(src, attr.SrcRange))
	}
	for _, blk := range body.Blocks {
		to := h.providers
		if blk.Type == "backend" || blk.Type == "cloud" {
			to = h.backend
		}
		h.add(to, name+":"+blk.Type, slice(src, blk.Range()))
	}
}

func (h *inputHashes) addModuleBlock(name string, src []byte, blk *hclsyntax.Block) {
	label := name + ":module." + strings.Join(blk.Labels, ".")
	h.add(h.modules, label, nil)
	for _, key := range []string{"source", "version"} {
		if attr, ok := blk.Body.Attributes[key]; ok {
			h.add(h.modules, label+"."+key, slice(src, attr.SrcRange))
		}
	}
}

func (h *inputHashes) sum() initInputs {
	hex := func(x hash.Hash) string { return hex.EncodeToString(x.Sum(nil)) }
	return initInputs{
		Backend: hex(h.backend), Providers: hex(h.providers), Modules: hex(h.modules),
		Other: hex(h.other), Lock: hex(h.lock),
	}
}

func sortedAttributes(body *hclsyntax.Body) []*hclsyntax.Attribute {
	attrs := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		attrs = append(attrs, a)
	}
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].Name < attrs[j].Name })
	return attrs
}

func slice(src []byte, r hcl.Range) []byte {
	if r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte > r.End.Byte {
		return nil
	}
	return src[r.Start.Byte:r.End.Byte]
}
