package terraform

import (
	"context"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/runnerfleet/runnerfleet/reconcile"
)

// Show reads a saved plan (terraform show -json) and summarises it. The JSON itself is not
// logged: it holds every planned value.
func (r *Runner) Show(ctx context.Context, planFile string) (reconcile.PlanSummary, error) {
	var plan *tfjson.Plan
	err := r.run(ctx, "show", "show terraform plan "+planFile, func() error {
		r.stdout.mute()
		var err error
		plan, err = r.tf.ShowPlanFile(ctx, planFile)
		return err
	})
	if err != nil {
		return reconcile.PlanSummary{}, err
	}
	return Summarize(plan), nil
}

// Summarize counts what a plan does to resources. A replace counts once as an add and once
// as a destroy, with the action "replace". No-op changes are left out; reads are listed but
// not counted. Resources are sorted by address.
func Summarize(plan *tfjson.Plan) reconcile.PlanSummary {
	var s reconcile.PlanSummary
	if plan == nil {
		return s
	}
	for _, rc := range plan.ResourceChanges {
		if rc == nil || rc.Change == nil {
			continue
		}
		action := actionName(rc.Change.Actions)
		switch action {
		case "no-op", "":
			continue
		case "create":
			s.Add++
		case "update":
			s.Change++
		case "delete":
			s.Destroy++
		case "replace":
			s.Add++
			s.Destroy++
		}
		s.Resources = append(s.Resources, reconcile.ResourceChange{Address: rc.Address, Action: action})
	}
	sort.SliceStable(s.Resources, func(i, j int) bool { return s.Resources[i].Address < s.Resources[j].Address })
	return s
}

func actionName(a tfjson.Actions) string {
	switch {
	case a.NoOp():
		return "no-op"
	case a.Create():
		return "create"
	case a.Update():
		return "update"
	case a.Delete():
		return "delete"
	case a.Replace():
		return "replace"
	case a.Read():
		return "read"
	}
	names := make([]string, len(a))
	for i, x := range a {
		names[i] = string(x)
	}
	return strings.Join(names, "-")
}
