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
	// SecretName is the secret's name or ARN. Required.
	SecretName string `url:"SecretName"`
	// IncludeDeprecated lists the versions that carry no stage too.
	IncludeDeprecated bool `url:"IncludeDeprecated,omitempty"`
	// PageNumber is the page, from 1. Zero: 1.
	PageNumber int `url:"PageNumber,omitempty"`
	// PageSize is the number of versions per page, 1 to 100. Zero: the
	// service default, 20 (AllSecretVersions: 100).
	PageSize int `url:"PageSize,omitempty"`
}

// SecretVersion is one version of a secret, without its value.
type SecretVersion struct {
	VersionID     string
	CreateTime    time.Time // zero if not sent
	VersionStages []string  // e.g. ACSCurrent; empty for a deprecated version
	// Unparsed holds, by wire name ("CreateTime"), a value sent in a layout
	// the client does not know; that field is then zero. Nil when every
	// field was understood.
	Unparsed map[string]string
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

// ListSecretVersionIDs returns one page of a secret's versions (ids,
// creation times, stages); AllSecretVersions walks every page. It is a
// management operation: it goes to the shared gateway even with
// Options.InstanceEndpoint set.
//
// Errors: a nil input, an empty SecretName, a negative PageNumber or a
// PageSize outside 0-100 fails before anything is sent
// ([signer.ErrInvalidInput], naming the field). A missing secret matches
// [ErrSecretNotFound]; other error answers are *APIError.
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

// AllSecretVersions is [Client.AllSecrets] for the versions of
// in.SecretName: an iterator over every version, page after page, that
// fetches a page only when the loop wants an item from it. Validation
// errors are ListSecretVersionIDs'.
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
