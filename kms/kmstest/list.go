package kmstest

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/kms"
)

// Paging and filtering as KMS documents them: PageNumber from 1 (default
// 1), PageSize 1 to 100 (default 10 for ListSecrets, 20 for
// ListSecretVersionIds), at most 10 filters of at most 10 values each.
const (
	secretsPageSize  = 10
	versionsPageSize = 20
	maxPageSize      = 100
	maxFilters       = 10
)

func invalidParam(msg string) *fakegw.Error {
	return &fakegw.Error{Status: 400, Code: "InvalidParameter", Message: msg}
}

// paging reads PageNumber and PageSize and returns the bounds of the page
// in a list of n items.
func paging(get func(string) string, n, defaultSize int) (number, size, lo, hi int, e *fakegw.Error) {
	number, size = 1, defaultSize
	if v := get("PageNumber"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 {
			return 0, 0, 0, 0, invalidParam("The specified parameter PageNumber is not valid.")
		}
		number = p
	}
	if v := get("PageSize"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > maxPageSize {
			return 0, 0, 0, 0, invalidParam("The specified parameter PageSize is not valid.")
		}
		size = p
	}
	lo = min((number-1)*size, n)
	hi = min(lo+size, n)
	return number, size, lo, hi, nil
}

func (h *Handler) listSecretVersionIDs(get func(string) string) (map[string]any, *fakegw.Error) {
	sec, e := h.requested(get)
	if e != nil {
		return nil, e
	}
	all := sec.Versions
	if get("IncludeDeprecated") != "true" {
		all = slices.DeleteFunc(all, func(v Version) bool { return len(v.Stages) == 0 })
	}
	number, size, lo, hi, e := paging(get, len(all), versionsPageSize)
	if e != nil {
		return nil, e
	}
	versions := []map[string]any{}
	for _, v := range all[lo:hi] {
		m := map[string]any{"VersionId": v.ID, "VersionStages": map[string][]string{"VersionStage": orEmpty(v.Stages)}}
		putTime(m, "CreateTime", v.CreateTime)
		versions = append(versions, m)
	}
	return map[string]any{
		"SecretName": sec.Name,
		"TotalCount": len(all),
		"PageNumber": number,
		"PageSize":   size,
		"VersionIds": map[string]any{"VersionId": versions},
	}, nil
}

type filter struct {
	Key    string
	Values []string
}

// parseFilters reads the Filters parameter, a JSON array of {Key, Values}.
func parseFilters(text string) ([]filter, *fakegw.Error) {
	if text == "" {
		return nil, nil
	}
	var fs []filter
	if err := json.Unmarshal([]byte(text), &fs); err != nil {
		return nil, invalidParam("The specified parameter Filters is not valid JSON.")
	}
	if len(fs) > maxFilters {
		return nil, invalidParam("The specified parameter Filters has more than 10 conditions.")
	}
	for _, f := range fs {
		if !slices.Contains([]string{"SecretName", "Description", "TagKey", "TagValue", "DKMSInstanceId", "SecretType", "Creator"}, f.Key) {
			return nil, invalidParam("The specified parameter Filters has an unknown key " + strconv.Quote(f.Key) + ".")
		}
		if len(f.Values) > maxFilters {
			return nil, invalidParam("The specified parameter Filters has more than 10 values for " + f.Key + ".")
		}
	}
	return fs, nil
}

// matches reports whether sec matches f: SecretName and Description when
// they contain one of the values, the other keys when equal to one.
func (f filter) matches(sec *Secret) bool {
	var props []string
	contains := false
	switch f.Key {
	case "SecretName":
		props, contains = []string{sec.Name}, true
	case "Description":
		props, contains = []string{sec.Description}, true
	case "TagKey":
		for _, t := range sec.Tags {
			props = append(props, t.Key)
		}
	case "TagValue":
		for _, t := range sec.Tags {
			props = append(props, t.Value)
		}
	case "DKMSInstanceId":
		props = []string{sec.DKMSInstanceID}
	case "SecretType":
		props = []string{orString(sec.Type, "Generic")}
	case "Creator":
		props = []string{sec.Creator}
	}
	for _, v := range f.Values {
		for _, p := range props {
			if p == v || contains && strings.Contains(p, v) {
				return true
			}
		}
	}
	return false
}

func (h *Handler) listSecrets(get func(string) string) (map[string]any, *fakegw.Error) {
	fs, e := parseFilters(get("Filters"))
	if e != nil {
		return nil, e
	}
	h.mu.Lock()
	var all []Secret
	for _, sec := range h.secrets {
		if !slices.ContainsFunc(fs, func(f filter) bool { return !f.matches(sec) }) {
			all = append(all, cloneSecret(*sec))
		}
	}
	h.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	number, size, lo, hi, e := paging(get, len(all), secretsPageSize)
	if e != nil {
		return nil, e
	}
	list := []map[string]any{}
	for _, sec := range all[lo:hi] {
		m := map[string]any{"SecretName": sec.Name, "SecretType": orString(sec.Type, "Generic")}
		putTime(m, "CreateTime", sec.CreateTime)
		putTime(m, "UpdateTime", sec.UpdateTime)
		putTime(m, "PlannedDeleteTime", sec.PlannedDeleteTime)
		if get("FetchTags") == "true" {
			m["Tags"] = tagsBody(sec.Tags)
		}
		list = append(list, m)
	}
	return map[string]any{
		"TotalCount": len(all),
		"PageNumber": number,
		"PageSize":   size,
		"SecretList": map[string]any{"Secret": list},
	}, nil
}

func tagsBody(ts []kms.Tag) map[string]any {
	tags := []map[string]string{}
	for _, t := range ts {
		tags = append(tags, map[string]string{"TagKey": t.Key, "TagValue": t.Value})
	}
	return map[string]any{"Tag": tags}
}
