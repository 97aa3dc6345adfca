package awsfake

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// listParam reads an EC2 query list: Prefix.1, Prefix.2, ... in order.
func listParam(form url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[fmt.Sprintf("%s.%d", prefix, i)]
		if !ok {
			return out
		}
		out = append(out, v...)
	}
}

// ec2Filter is one Filter.N: a name and the values of which one must match.
type ec2Filter struct {
	name   string
	values []string
}

func filters(form url.Values) []ec2Filter {
	var out []ec2Filter
	for i := 1; ; i++ {
		name := form.Get(fmt.Sprintf("Filter.%d.Name", i))
		if name == "" {
			return out
		}
		out = append(out, ec2Filter{name: name, values: listParam(form, fmt.Sprintf("Filter.%d.Value", i))})
	}
}

// filterable is what the filters look at: tags, and named attributes such as
// instance-state-name.
type filterable struct {
	tags  map[string]string
	attrs map[string]string
}

// match applies EC2's filter semantics: every filter must match, a filter matches when any
// of its values does. An unknown filter name is an error, as on EC2.
func (f filterable) match(fs []ec2Filter, known ...string) (bool, *APIError) {
	for _, flt := range fs {
		got, ok := f.value(flt.name, known)
		if !ok {
			return false, &APIError{Code: "InvalidParameterValue", Message: fmt.Sprintf("The filter '%s' is invalid", flt.name)}
		}
		if !anyEqual(got, flt.values) {
			return false, nil
		}
	}
	return true, nil
}

// value is the object's values for a filter name; ok is false for an unknown name.
func (f filterable) value(name string, known []string) ([]string, bool) {
	switch {
	case strings.HasPrefix(name, "tag:"):
		v, has := f.tags[strings.TrimPrefix(name, "tag:")]
		if !has {
			return nil, true
		}
		return []string{v}, true
	case name == "tag-key":
		keys := make([]string, 0, len(f.tags))
		for k := range f.tags {
			keys = append(keys, k)
		}
		return keys, true
	}
	for _, k := range known {
		if k == name {
			return []string{f.attrs[name]}, true
		}
	}
	return nil, false
}

func anyEqual(got, want []string) bool {
	for _, g := range got {
		for _, w := range want {
			if g == w {
				return true
			}
		}
	}
	return false
}

// page cuts sorted ids into one page: the ids from the NextToken on, at most MaxResults
// (default def). The token is the index of the next id, as an opaque-looking string.
func page(ids []string, form url.Values, def, lo, hi int) ([]string, string, *APIError) {
	sort.Strings(ids)
	limit := def
	if v := form.Get("MaxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return nil, "", &APIError{Code: "InvalidParameterValue", Message: fmt.Sprintf("Value (%s) for parameter maxResults is invalid. Expecting a value between %d and %d.", v, lo, hi)}
		}
		limit = n
	}
	start := 0
	if tok := form.Get("NextToken"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "awsfake-token-"))
		if err != nil || n < 0 || n > len(ids) {
			return nil, "", &APIError{Code: "InvalidParameterValue", Message: "The token '" + tok + "' is invalid"}
		}
		start = n
	}
	end := min(start+limit, len(ids))
	next := ""
	if end < len(ids) {
		next = fmt.Sprintf("awsfake-token-%d", end)
	}
	return ids[start:end], next, nil
}

// notFound is the error EC2 answers when some ids of a request do not exist: the whole
// request fails and the message names them.
func notFound(code, noun string, missing []string) *APIError {
	if len(missing) == 1 {
		return &APIError{Code: code, Message: fmt.Sprintf("The %s '%s' does not exist", noun, missing[0])}
	}
	return &APIError{Code: code, Message: fmt.Sprintf("The %ss '%s' do not exist", noun, strings.Join(missing, ", "))}
}

func xmlTags(tags map[string]string) []xmlTag {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]xmlTag, 0, len(keys))
	for _, k := range keys {
		out = append(out, xmlTag{Key: k, Value: tags[k]})
	}
	return out
}

func copyTags(tags map[string]string) map[string]string {
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		out[k] = v
	}
	return out
}
