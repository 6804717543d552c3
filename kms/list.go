package kms

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// MaxFilters is the most filters a ListSecretsInput may carry, and the
// most values one Filter may carry.
const MaxFilters = 10

var filterKeys = []string{"SecretName", "Description", "TagKey", "TagValue", "DKMSInstanceId", "SecretType", "Creator"}

// Filter narrows ListSecrets to the secrets whose property Key
// ("SecretName", "Description", "TagKey", "TagValue", "DKMSInstanceId",
// "SecretType" or "Creator") matches one of Values (at most 10).
type Filter struct {
	Key    string
	Values []string
}

// ListSecretsInput is the input of ListSecrets and AllSecrets.
type ListSecretsInput struct {
	PageNumber int      // from 1; zero: 1
	PageSize   int      // 1 to 100; zero: the service default, 10 (AllSecrets: 100)
	FetchTags  bool     // ask for each secret's tags
	Filters    []Filter // at most 10, all of which must match; nil: every secret in the region
}

// SecretSummary is one secret in a ListSecrets page: metadata, no value.
type SecretSummary struct {
	SecretName        string
	SecretType        string // Generic, Rds, RAMCredentials, ECS, ...
	CreateTime        time.Time
	UpdateTime        time.Time
	PlannedDeleteTime time.Time         // set when deletion is scheduled
	Tags              []Tag             // with FetchTags
	Unparsed          map[string]string // fields sent in an unknown layout (see GetSecretValueOutput)
}

// ListSecretsOutput is one page of secrets.
type ListSecretsOutput struct {
	Secrets    []SecretSummary
	TotalCount int // secrets in all pages
	PageNumber int
	PageSize   int
	RequestID  string
}

// listSecretsQuery is ListSecretsInput with Filters as the JSON array KMS
// takes.
type listSecretsQuery struct {
	PageNumber int    `url:"PageNumber,omitempty"`
	PageSize   int    `url:"PageSize,omitempty"`
	FetchTags  bool   `url:"FetchTags,omitempty"`
	Filters    string `url:"Filters,omitempty"`
}

type filterWire struct {
	Key    string   `json:"Key"`
	Values []string `json:"Values"`
}

type listSecretsWire struct {
	pageWire
	SecretList *wire.List[struct {
		SecretName        wire.String        `json:"SecretName"`
		SecretType        wire.String        `json:"SecretType"`
		CreateTime        wire.Time          `json:"CreateTime"`
		UpdateTime        wire.Time          `json:"UpdateTime"`
		PlannedDeleteTime wire.Time          `json:"PlannedDeleteTime"`
		Tags              wire.List[tagWire] `json:"Tags"`
	}] `json:"SecretList"`
}

func (w *listSecretsWire) missing() string { return w.pageMissing(w.SecretList != nil) }

// query validates the input and encodes it.
func (in *ListSecretsInput) query(op string) (*listSecretsQuery, error) {
	if err := checkPaging(op, "ListSecretsInput", in.PageNumber, in.PageSize); err != nil {
		return nil, err
	}
	if len(in.Filters) > MaxFilters {
		return nil, invalid(op, fmt.Sprintf("ListSecretsInput.Filters has %d filters; at most %d", len(in.Filters), MaxFilters))
	}
	q := &listSecretsQuery{PageNumber: in.PageNumber, PageSize: in.PageSize, FetchTags: in.FetchTags}
	if len(in.Filters) == 0 {
		return q, nil
	}
	fs := make([]filterWire, len(in.Filters))
	for i, f := range in.Filters {
		switch {
		case !slices.Contains(filterKeys, f.Key):
			return nil, invalid(op, fmt.Sprintf("ListSecretsInput.Filters[%d].Key %q is not one of %s", i, f.Key, strings.Join(filterKeys, ", ")))
		case len(f.Values) > MaxFilters:
			return nil, invalid(op, fmt.Sprintf("ListSecretsInput.Filters[%d].Values has %d values; at most %d", i, len(f.Values), MaxFilters))
		}
		fs[i] = filterWire(f)
		if fs[i].Values == nil {
			fs[i].Values = []string{} // KMS wants an array, not null
		}
	}
	b, _ := json.Marshal(fs) // strings only: cannot fail
	q.Filters = string(b)
	return q, nil
}

// ListSecrets returns one page of the secrets in the region (metadata, no
// values), narrowed by the input's filters; AllSecrets walks every page.
// It always goes to the shared gateway. An input that breaks the limits
// above fails before anything is sent ([signer.ErrInvalidInput], naming
// the field).
//
// API: https://www.alibabacloud.com/help/en/kms/developer-reference/api-kms-2016-01-20-listsecrets
func (c *Client) ListSecrets(ctx context.Context, in *ListSecretsInput, optFns ...func(*Options)) (*ListSecretsOutput, error) {
	const op = "ListSecrets"
	if in == nil {
		return nil, invalid(op, "input is nil")
	}
	q, err := in.query(op)
	if err != nil {
		return nil, err
	}
	var w listSecretsWire
	if err := c.call(ctx, op, q, &w, optFns); err != nil {
		return nil, err
	}
	out := &ListSecretsOutput{TotalCount: w.total(), PageNumber: int(w.PageNumber), PageSize: int(w.PageSize), RequestID: string(w.RequestID)}
	if w.SecretList != nil {
		out.Secrets = make([]SecretSummary, 0, len(*w.SecretList))
		for _, s := range *w.SecretList {
			var f fields
			sum := SecretSummary{
				SecretName:        string(s.SecretName),
				SecretType:        string(s.SecretType),
				CreateTime:        f.time("CreateTime", s.CreateTime),
				UpdateTime:        f.time("UpdateTime", s.UpdateTime),
				PlannedDeleteTime: f.time("PlannedDeleteTime", s.PlannedDeleteTime),
				Tags:              tags(s.Tags),
			}
			sum.Unparsed = f.unparsed
			out.Secrets = append(out.Secrets, sum)
		}
	}
	return out, nil
}

// AllSecrets iterates over every secret ListSecrets lists, page after page
// from in.PageNumber, in.PageSize at a time (0: 100), fetching a page only
// when the loop wants its items. A failure, or a service that does not
// advance (see [MaxPages]), is yielded once with a zero SecretSummary and
// ends the walk.
//
//	for s, err := range client.AllSecrets(ctx, &kms.ListSecretsInput{}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(s.SecretName)
//	}
func (c *Client) AllSecrets(ctx context.Context, in *ListSecretsInput, optFns ...func(*Options)) iter.Seq2[SecretSummary, error] {
	return func(yield func(SecretSummary, error) bool) {
		if in == nil {
			yield(SecretSummary{}, invalid("ListSecrets", "input is nil"))
			return
		}
		q := *in
		walkPages("ListSecrets", &q.PageNumber, &q.PageSize, func(s SecretSummary) string { return s.SecretName },
			func() (page[SecretSummary], error) {
				out, err := c.ListSecrets(ctx, &q, optFns...)
				if err != nil {
					return page[SecretSummary]{}, err
				}
				return page[SecretSummary]{items: out.Secrets, total: out.TotalCount, number: out.PageNumber}, nil
			}, yield)
	}
}

// ListSecretVersionIDsInput is the input of ListSecretVersionIDs and
// AllSecretVersions.
type ListSecretVersionIDsInput struct {
	SecretName        string `url:"SecretName"`                  // name or ARN; required
	IncludeDeprecated bool   `url:"IncludeDeprecated,omitempty"` // list the versions without a stage too
	PageNumber        int    `url:"PageNumber,omitempty"`        // from 1; zero: 1
	PageSize          int    `url:"PageSize,omitempty"`          // 1 to 100; zero: 20 (AllSecretVersions: 100)
}

// SecretVersion is one version of a secret, without its value.
type SecretVersion struct {
	VersionID     string
	CreateTime    time.Time         // zero if not sent
	VersionStages []string          // e.g. ACSCurrent; empty for a deprecated version
	Unparsed      map[string]string // fields sent in an unknown layout (see GetSecretValueOutput)
}

// ListSecretVersionIDsOutput is one page of a secret's versions.
type ListSecretVersionIDsOutput struct {
	SecretName string
	Versions   []SecretVersion
	TotalCount int // versions in all pages
	PageNumber int
	PageSize   int
	RequestID  string
}

type listSecretVersionIDsWire struct {
	pageWire
	SecretName wire.String `json:"SecretName"`
	VersionIDs *wire.List[struct {
		VersionID     wire.String       `json:"VersionId"`
		CreateTime    wire.Time         `json:"CreateTime"`
		VersionStages wire.List[string] `json:"VersionStages"`
	}] `json:"VersionIds"`
}

func (w *listSecretVersionIDsWire) missing() string { return w.pageMissing(w.VersionIDs != nil) }

// ListSecretVersionIDs returns one page of a secret's versions;
// AllSecretVersions walks every page. It always goes to the shared
// gateway. A nil input, an empty SecretName or paging out of range fails
// before anything is sent ([signer.ErrInvalidInput], naming the field); a
// missing secret matches [ErrSecretNotFound].
//
// API: https://www.alibabacloud.com/help/en/kms/developer-reference/api-kms-2016-01-20-listsecretversionids
func (c *Client) ListSecretVersionIDs(ctx context.Context, in *ListSecretVersionIDsInput, optFns ...func(*Options)) (*ListSecretVersionIDsOutput, error) {
	const op = "ListSecretVersionIds"
	if in == nil {
		return nil, invalid(op, "input is nil")
	}
	if in.SecretName == "" {
		return nil, invalid(op, "ListSecretVersionIDsInput.SecretName is required")
	}
	if err := checkPaging(op, "ListSecretVersionIDsInput", in.PageNumber, in.PageSize); err != nil {
		return nil, err
	}
	var w listSecretVersionIDsWire
	if err := c.call(ctx, op, in, &w, optFns); err != nil {
		return nil, err
	}
	out := &ListSecretVersionIDsOutput{SecretName: string(w.SecretName), TotalCount: w.total(),
		PageNumber: int(w.PageNumber), PageSize: int(w.PageSize), RequestID: string(w.RequestID)}
	if w.VersionIDs != nil {
		out.Versions = make([]SecretVersion, 0, len(*w.VersionIDs))
		for _, v := range *w.VersionIDs {
			var f fields
			version := SecretVersion{
				VersionID:     string(v.VersionID),
				CreateTime:    f.time("CreateTime", v.CreateTime),
				VersionStages: v.VersionStages,
			}
			version.Unparsed = f.unparsed
			out.Versions = append(out.Versions, version)
		}
	}
	return out, nil
}

// AllSecretVersions iterates over every version of in.SecretName, page
// after page, as [Client.AllSecrets] does over secrets, with a zero
// SecretVersion beside an error.
func (c *Client) AllSecretVersions(ctx context.Context, in *ListSecretVersionIDsInput, optFns ...func(*Options)) iter.Seq2[SecretVersion, error] {
	return func(yield func(SecretVersion, error) bool) {
		if in == nil {
			yield(SecretVersion{}, invalid("ListSecretVersionIds", "input is nil"))
			return
		}
		q := *in
		walkPages("ListSecretVersionIds", &q.PageNumber, &q.PageSize, func(v SecretVersion) string { return v.VersionID },
			func() (page[SecretVersion], error) {
				out, err := c.ListSecretVersionIDs(ctx, &q, optFns...)
				if err != nil {
					return page[SecretVersion]{}, err
				}
				return page[SecretVersion]{items: out.Versions, total: out.TotalCount, number: out.PageNumber}, nil
			}, yield)
	}
}
