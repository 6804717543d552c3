package kms

import (
	"context"
	"iter"
	"time"

	"github.com/alisecret/alisecret-go/internal/wire"
)

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
	resp, err := c.call(ctx, op, in, &w, optFns)
	if err != nil {
		return nil, err
	}
	out := &ListSecretVersionIDsOutput{SecretName: string(w.SecretName), TotalCount: w.total(),
		PageNumber: int(w.PageNumber), PageSize: int(w.PageSize), RequestID: requestID(w.RequestID, resp)}
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
// after page, as [Client.AllSecrets] does over secrets.
//
//	for v, err := range client.AllSecretVersions(ctx, &kms.ListSecretVersionIDsInput{SecretName: "db"}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(v.VersionID, v.VersionStages)
//	}
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
