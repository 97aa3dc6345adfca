package fleet

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/robfig/cron/v3"
)

// standardCron parses the 5-field schedules of prune, drift and docker-autoscaler policies.
var standardCron = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// sixFields parses the first six fields of a gitlab-runner docker+machine period.
var sixFields = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// ParseSchedule parses a 5-field schedule such as "*/10 * * * *" (or a descriptor such as
// @hourly, with an optional TZ= or CRON_TZ= prefix), as the prune and drift schedules run.
// robfig/cron v3.0.1 panics on a time zone prefix with no space after it; that is an error here.
func ParseSchedule(expr string) (cron.Schedule, error) {
	if (strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ=")) && !strings.Contains(expr, " ") {
		return nil, fmt.Errorf("a time zone with no schedule after it")
	}
	return standardCron.Parse(expr)
}

// cronProblem checks a 5-field cron expression such as "*/10 * * * *".
func cronProblem(expr string) string {
	if _, err := ParseSchedule(expr); err != nil {
		return fmt.Sprintf("invalid cron schedule %q: %s; use 5 fields: minute hour day-of-month month day-of-week, "+
			"such as \"*/10 * * * *\"", expr, cronError(err))
	}
	return ""
}

// machinePeriodProblem checks a docker+machine autoscaling period: gitlab-runner reads it with
// gorhill/cronexpr as 7 fields, second minute hour day-of-month month day-of-week year.
func machinePeriodProblem(expr string) string {
	fields := strings.Fields(expr)
	if len(fields) != 7 {
		return fmt.Sprintf("period %q has %d fields; docker+machine periods have 7: second minute hour "+
			"day-of-month month day-of-week year, such as \"* * 9-17 * * mon-fri *\"", expr, len(fields))
	}
	if _, err := sixFields.Parse(strings.Join(fields[:6], " ")); err != nil {
		return fmt.Sprintf("invalid period %q: %s; the 7 fields are second minute hour day-of-month month "+
			"day-of-week year", expr, cronError(err))
	}
	if !yearField(fields[6]) {
		return fmt.Sprintf("invalid period %q: the year field must be *, a year such as 2027, a range or a list", expr)
	}
	return ""
}

// cronError is robfig/cron's message without the repeated expression it sometimes ends with.
func cronError(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": ["); i > 0 && strings.HasSuffix(msg, "]") {
		msg = msg[:i]
	}
	return msg
}

func yearField(f string) bool {
	for _, part := range strings.Split(f, ",") {
		part, step, hasStep := strings.Cut(part, "/")
		if hasStep {
			if n, err := strconv.Atoi(step); err != nil || n < 1 {
				return false
			}
		}
		if part == "*" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		if !isYear(lo) || (isRange && (!isYear(hi) || hi < lo)) {
			return false
		}
	}
	return true
}

func isYear(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && len(s) == 4 && n >= 1970 && n <= 2099
}
