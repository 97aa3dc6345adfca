package workspaces

import (
	"reflect"
	"testing"
)

func TestDiff(t *testing.T) {
	old := NewManifest("a", map[string][]byte{"same": []byte("1"), "changed": []byte("2"), "gone": []byte("3")})
	new := NewManifest("b", map[string][]byte{"same": []byte("1"), "changed": []byte("x"), "added": []byte("4")})
	got := Diff(old, new)
	want := Changes{Added: []string{"added"}, Changed: []string{"changed"}, Removed: []string{"gone"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Diff = %+v, want %+v", got, want)
	}
	if got.Empty() || !Diff(new, new).Empty() {
		t.Error("Empty is wrong")
	}
}
