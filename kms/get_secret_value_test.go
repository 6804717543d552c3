package kms_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/rawserver"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

var ctx = context.Background()

func TestGetSecretValueDocumentedExample(t *testing.T) {
	c := rawServer(t, 200, rawserver.Fixture(t, "get_secret_value.json"))
	out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "secret001"})
	require.NoError(t, err)
	assert.Equal(t, &kms.GetSecretValueOutput{
		SecretName:        "secret001",
		SecretType:        "Generic",
		SecretData:        "testdata1",
		SecretDataType:    "binary",
		VersionID:         "v1",
		VersionStages:     []string{"ACSCurrent", "ACSPrevious"},
		CreateTime:        date("2018-07-05T08:22:03Z"),
		LastRotationDate:  date("2022-07-05T08:22:03Z"),
		NextRotationDate:  date("2022-07-06T18:22:03Z"),
		RotationInterval:  7 * 24 * time.Hour,
		AutomaticRotation: "Enabled",
		ExtendedConfig:    `{"SecretSubType":"SingleUser", "DBInstanceId":"rm-bp1b3dd3a506e****" ,"CustomData":{}}`,
		RequestID:         "6a3e9c36-1150-4881-84d3-eb8672fcafad",
	}, out)
	// The documented example pairs "binary" with text that is not base64:
	// Bytes says so without quoting the value.
	_, err = out.Bytes()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `binary secret "secret001"`)
	assert.NotContains(t, err.Error(), "testdata1")
}

func TestGetSecretValueTolerantShapes(t *testing.T) {
	// A bare stage list, numbers as strings or numbers, an object
	// ExtendedConfig, times with fractions and epoch milliseconds.
	body := `{"RequestId":7,"SecretName":"s","SecretData":"v","VersionStages":["ACSCurrent"],"RotationInterval":"3600",
	  "CreateTime":"2024-01-02T03:04:05.123Z","LastRotationDate":1700000000000,"ExtendedConfig":{"a":1}}`
	out, err := rawServer(t, 200, []byte(body)).GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "s"})
	require.NoError(t, err)
	assert.Equal(t, []string{"ACSCurrent"}, out.VersionStages)
	assert.Equal(t, time.Hour, out.RotationInterval)
	assert.Equal(t, "7", out.RequestID)
	assert.Equal(t, time.Date(2024, 1, 2, 3, 4, 5, 123e6, time.UTC), out.CreateTime)
	assert.Equal(t, time.UnixMilli(1700000000000).UTC(), out.LastRotationDate)
	assert.Equal(t, `{"a":1}`, out.ExtendedConfig)
	assert.True(t, out.NextRotationDate.IsZero())
}

func TestGetSecretValueStrictWhereWrongValuesHide(t *testing.T) {
	cases := map[string]struct {
		status     int
		body, want string
	}{
		"empty object":        {200, `{}`, "no SecretName"},
		"html with 200":       {200, `<html>ok</html>`, "malformed JSON"},
		"truncated":           {200, `{"SecretName":"s","SecretData":"SUPERSECRET`, "truncated JSON"},
		"object as data":      {200, `{"SecretName":"s","SecretData":{"SUPERSECRET":1}}`, "want text"},
		"error code with 200": {200, `{"Code":"Forbidden.ResourceNotFound","Message":"x"}`, "no SecretName"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := rawServer(t, tc.status, []byte(tc.body)).GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "s"})
			require.Error(t, err)
			assert.Nil(t, out)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "kms GetSecretValue: decoding the response: not a GetSecretValue document: ")
			assert.Contains(t, err.Error(), "(HTTP 200")
			assert.NotContains(t, err.Error(), "SUPERSECRET")
			var apiErr *kms.APIError
			require.ErrorAs(t, err, &apiErr, "the check's answer")
			assert.Empty(t, apiErr.Code)
		})
	}
}

// A metadata field in a layout the client does not read never costs the
// caller the secret: the value comes back, the field is zero, and its text
// is in Unparsed under its wire name.
func TestGetSecretValueUnknownMetadataLayout(t *testing.T) {
	body := `{"SecretName":"s","SecretData":"v","CreateTime":"Tuesday, 3 Jan","RotationInterval":"weekly","LastRotationDate":"2024-01-02T03:04:05Z"}`
	out, err := rawServer(t, 200, []byte(body)).GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "s"})
	require.NoError(t, err)
	assert.Equal(t, "v", out.SecretData)
	assert.True(t, out.CreateTime.IsZero())
	assert.Zero(t, out.RotationInterval)
	assert.Equal(t, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), out.LastRotationDate)
	assert.Equal(t, map[string]string{"CreateTime": "Tuesday, 3 Jan", "RotationInterval": "weekly"}, out.Unparsed)

	out, err = rawServer(t, 200, []byte(`{"SecretName":"s","SecretData":"v","CreateTime":"2024-01-02 03:04:05"}`)).
		GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "s"})
	require.NoError(t, err)
	assert.Nil(t, out.Unparsed, "nil when every field was read")
}

func TestGetSecretValueVersions(t *testing.T) {
	srv, c := newFake(t)
	require.NoError(t, srv.PutSecret(kmstest.Secret{
		Name: "db", ExtendedConfig: `{"k":"v"}`, RotationInterval: time.Hour,
		Versions: []kmstest.Version{
			{ID: "v1", Stages: []string{"ACSPrevious"}, Data: "old"},
			{ID: "v2", Stages: []string{"ACSCurrent", "custom"}, Data: "new", CreateTime: date("2024-05-06T07:08:09Z")},
		},
	}))
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		t.Run(v.String(), func(t *testing.T) {
			opt := func(o *kms.Options) { o.SignatureVersion = v }
			out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, opt)
			require.NoError(t, err)
			assert.Equal(t, "new", out.SecretData)
			assert.Equal(t, "v2", out.VersionID)
			assert.Equal(t, []string{"ACSCurrent", "custom"}, out.VersionStages)
			assert.Equal(t, date("2024-05-06T07:08:09Z"), out.CreateTime)
			assert.Equal(t, time.Hour, out.RotationInterval)
			assert.Empty(t, out.ExtendedConfig, "only with FetchExtendedConfig")
			assert.NotEmpty(t, out.RequestID)

			out, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db", VersionStage: "ACSPrevious", FetchExtendedConfig: true}, opt)
			require.NoError(t, err)
			assert.Equal(t, "old", out.SecretData)
			assert.Equal(t, `{"k":"v"}`, out.ExtendedConfig)

			out, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db", VersionID: "v1"}, opt)
			require.NoError(t, err)
			assert.Equal(t, "old", out.SecretData)

			_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db", VersionID: "v1", VersionStage: "ACSCurrent"}, opt)
			require.ErrorIs(t, err, kms.ErrSecretNotFound)
		})
	}
}

func TestGetSecretValueSTS(t *testing.T) {
	srv := kmstest.NewServer(kmstest.WithSTS("STS.NUxyz", "sts-secret-value", "sts-token-value/+="))
	defer srv.Close()
	srv.PutSecretValue("db", "pw")
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		c, err := srv.Client(func(o *kms.Options) { o.SignatureVersion = v })
		require.NoError(t, err)
		out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
		require.NoError(t, err, "the server checks the token and the signature over it")
		assert.Equal(t, "pw", out.SecretData)

		// The same key with the wrong token is refused as a credentials problem.
		bad, err := srv.Client(func(o *kms.Options) {
			o.SignatureVersion = v
			o.Credentials = signer.StaticCredentials("STS.NUxyz", "sts-secret-value", "another-token")
		})
		require.NoError(t, err)
		_, err = bad.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
		require.ErrorIs(t, err, signer.ErrInvalidCredentials)
		assert.NotContains(t, err.Error(), "another-token")
		assert.NotContains(t, err.Error(), "sts-secret-value")
	}
}

func TestSpecialCharactersInSecretName(t *testing.T) {
	srv, c := newFake(t)
	names := []string{"my secret", "team/app/db", "a*b", "x~y", "密码", "α+β", "ns:key", "100%", "a&b=c"}
	for _, name := range names {
		srv.PutSecretValue(name, "value of "+name)
	}
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		for _, name := range names {
			out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: name}, func(o *kms.Options) { o.SignatureVersion = v })
			require.NoError(t, err, "%s %q", v, name)
			assert.Equal(t, name, out.SecretName)
			assert.Equal(t, "value of "+name, out.SecretData)
		}
	}
}

func TestDryRun(t *testing.T) {
	srv, c := newFake(t)
	srv.PutSecretValue("db", "pw")
	out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db", DryRun: true})
	assert.Nil(t, out)
	require.ErrorIs(t, err, kms.ErrDryRun)
	var apiErr *kms.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "DryRunOperation", apiErr.Code)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Equal(t, 1, srv.Requests(), "never retried")
	assert.NotContains(t, err.Error(), "pw")
}

func TestValidationSendsNothing(t *testing.T) {
	srv, c := newFake(t)
	cases := map[string]func() error{
		"nil GetSecretValue input": func() error { _, err := c.GetSecretValue(ctx, nil); return err },
		"empty SecretName":         func() error { _, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{}); return err },
		"nil DescribeSecret input": func() error { _, err := c.DescribeSecret(ctx, nil); return err },
		"empty describe name":      func() error { _, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{FetchTags: true}); return err },
	}
	for name, call := range cases {
		err := call()
		require.ErrorIs(t, err, signer.ErrInvalidInput, name)
		if strings.Contains(name, "empty") {
			assert.Contains(t, err.Error(), "SecretName is required", name)
		}
	}
	assert.Zero(t, srv.Requests())
}

func TestErrorClasses(t *testing.T) {
	srv, c := newFake(t)
	srv.PutSecretValue("db", "pw")
	cases := []struct {
		fault  kmstest.Fault
		class  error
		tries  int
		notErr error
	}{
		{kmstest.Fault{Status: 404, Code: "Forbidden.ResourceNotFound", Message: "Resource not found"}, kms.ErrSecretNotFound, 1, signer.ErrInvalidCredentials},
		{kmstest.Fault{Status: 404, Code: "InvalidAccessKeyId.NotFound", Message: "Specified access key is not found."}, signer.ErrInvalidCredentials, 1, kms.ErrSecretNotFound},
		{kmstest.Fault{Status: 400, Code: "SignatureDoesNotMatch"}, signer.ErrInvalidCredentials, 1, nil},
		{kmstest.Fault{Status: 403, Code: "Forbidden.NoPermission"}, signer.ErrAccessDenied, 1, nil},
		{kmstest.Fault{Status: 400, Code: "InvalidParameter"}, signer.ErrInvalidParameter, 1, nil},
		// Throttling is retried until the deadline: three faults, then success.
		{kmstest.Fault{Status: 400, Code: "Rejected.Throttling"}, nil, 4, nil},
		{kmstest.Fault{Status: 503, Code: "ServiceUnavailableTemporary"}, signer.ErrServiceUnavailable, 3, nil},
		// The client learns the offset from the Date header and retries once.
		{kmstest.Fault{Status: 400, Code: "IllegalTimestamp"}, signer.ErrClockSkew, 2, nil},
	}
	for _, tc := range cases {
		t.Run(tc.fault.Code, func(t *testing.T) {
			before := srv.Requests()
			srv.FailNext(tc.fault, tc.fault, tc.fault)
			_, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
			if tc.class == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.tries, srv.Requests()-before)
				return
			}
			require.ErrorIs(t, err, tc.class)
			if tc.notErr != nil {
				require.NotErrorIs(t, err, tc.notErr)
			}
			var apiErr *kms.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.fault.Code, apiErr.Code)
			assert.Equal(t, "kms", apiErr.Service)
			assert.Equal(t, "GetSecretValue", apiErr.Operation)
			assert.NotEmpty(t, apiErr.RequestID)
			assert.Equal(t, tc.tries, srv.Requests()-before)
			for srv.Requests()-before < 3 { // drain unused faults
				_, _ = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
			}
		})
	}
	// And from the fake's own checks, not scripted faults:
	_, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "missing"})
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	assert.Contains(t, err.Error(), "kms GetSecretValue: Forbidden.ResourceNotFound: Resource not found (HTTP 404, request id ")
	unknown, err := srv.Client(func(o *kms.Options) { o.Credentials = signer.StaticCredentials("LTAIunknown", "x", "") })
	require.NoError(t, err)
	_, err = unknown.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	require.ErrorIs(t, err, signer.ErrInvalidCredentials)
	require.NotErrorIs(t, err, kms.ErrSecretNotFound, "HTTP 404 for an unknown key is not a missing secret")
	wrongSecret, err := srv.Client(func(o *kms.Options) {
		o.Credentials = signer.StaticCredentials(kmstest.DefaultAccessKeyID, "wrong-secret-value", "")
	})
	require.NoError(t, err)
	_, err = wrongSecret.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	var apiErr *kms.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "SignatureDoesNotMatch", apiErr.Code)
	assert.True(t, strings.HasPrefix(apiErr.ServerStringToSign(), "POST&%2F&AccessKeyId%3D"), apiErr.ServerStringToSign())
	assert.NotContains(t, err.Error(), "wrong-secret-value")
}

func TestBytesAndDecodeJSON(t *testing.T) {
	srv, c := newFake(t)
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "bin", DataType: "binary", Versions: []kmstest.Version{{ID: "v1", Stages: []string{"ACSCurrent"}, Data: "AAEC/w=="}}}))
	srv.PutSecretValue("json", `{"user":"app","password":"hunter2","port":5432}`)
	srv.PutSecretValue("notjson", `hunter2-not-json`)

	out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "bin"})
	require.NoError(t, err)
	b, err := out.Bytes()
	require.NoError(t, err)
	assert.Equal(t, []byte{0, 1, 2, 0xff}, b)

	out, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "json"})
	require.NoError(t, err)
	var cfg struct {
		User     string `json:"user"`
		Password string `json:"password"`
		Port     int    `json:"port"`
	}
	require.NoError(t, out.DecodeJSON(&cfg))
	assert.Equal(t, "hunter2", cfg.Password)
	assert.Equal(t, 5432, cfg.Port)
	var wrongType struct {
		Port string `json:"port"`
	}
	err = out.DecodeJSON(&wrongType)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "field port")
	assert.NotContains(t, err.Error(), "hunter2")
	assert.NotContains(t, err.Error(), "5432")

	out, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "notjson"})
	require.NoError(t, err)
	err = out.DecodeJSON(&cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `secret "notjson"`)
	assert.NotContains(t, err.Error(), "hunter2")

	var nilOut *kms.GetSecretValueOutput
	_, err = nilOut.Bytes()
	require.Error(t, err)
}

func TestGetSecretValueOutputRedaction(t *testing.T) {
	const value = "VALUE-d41d8cd98f00b204"
	out := kms.GetSecretValueOutput{SecretName: "db", SecretData: value, VersionID: "v1", VersionStages: []string{"ACSCurrent"}}
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logger.Info("got", "out", out, "ptr", &out)
	printed := []string{logs.String(), out.String(), out.GoString(), fmt.Sprint(out), fmt.Sprintln(&out), fmt.Sprint([]any{out, &out}),
		fmt.Sprintf("%v|%+v|%#v|%s|%q|%x|%X|%d|%10.3v", out, out, out, out, out, out, out, out, out),
		fmt.Sprintf("%v|%+v|%#v|%s", &out, &out, &out, &out), fmt.Errorf("wrapped: %v", out).Error()}
	for _, p := range printed {
		assert.NotContains(t, p, value)
		assert.NotContains(t, p, fmt.Sprintf("%x", value))
	}
	assert.Contains(t, fmt.Sprintf("%+v", out), "SecretData:[redacted]")
	assert.Contains(t, fmt.Sprintf("%#v", out), "kms.GetSecretValueOutput{")
	assert.Contains(t, fmt.Sprintf("%v", out), "db")
	assert.Contains(t, logs.String(), `"secret_data":"[redacted]"`)
	assert.Equal(t, value, out.SecretData, "the field itself is the caller's to use")
	var nilOut *kms.GetSecretValueOutput
	assert.Equal(t, "<nil>", fmt.Sprint(nilOut))
}

func TestPerCallOptions(t *testing.T) {
	srv, c := newFake(t)
	srv.PutSecretValue("db", "pw")
	srv.FailNext(kmstest.Fault{Status: 503, Code: "ServiceUnavailable"}, kmstest.Fault{Status: 503, Code: "ServiceUnavailable"})
	_, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, func(o *kms.Options) { o.RetryMaxAttempts = 1 })
	require.ErrorIs(t, err, signer.ErrServiceUnavailable)
	assert.Equal(t, 1, srv.Requests())
	out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}) // the client's own 3 attempts
	require.NoError(t, err)
	assert.Equal(t, "pw", out.SecretData)
	assert.Equal(t, 3, srv.Requests())

	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, func(o *kms.Options) { o.Endpoint = "ftp://nope" })
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	assert.Contains(t, err.Error(), "Options.Endpoint")
	assert.Equal(t, 3, srv.Requests())
}

func TestNewValidatesOptions(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_REGION_ID", "")
	_, err := kms.New(kms.Options{})
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	assert.Contains(t, err.Error(), "Options.Region")

	c, err := kms.New(kms.Options{Region: "cn-shanghai", Network: "vpc"})
	require.NoError(t, err)
	assert.Equal(t, "https://kms-vpc.cn-shanghai.aliyuncs.com", c.Endpoint())
	c, err = kms.New(kms.Options{}, func(o *kms.Options) { o.Region = "eu-central-1" })
	require.NoError(t, err)
	assert.Equal(t, "https://kms.eu-central-1.aliyuncs.com", c.Endpoint())
	assert.Equal(t, "eu-central-1", c.Options().Region)

	_, err = kms.New(kms.Options{Region: "cn-hangzhou", Credentials: signer.StaticCredentials("id", "", "")})
	require.ErrorIs(t, err, signer.ErrInvalidCredentials)
}

func TestContextDeadline(t *testing.T) {
	srv, c := newFake(t)
	srv.PutSecretValue("db", "pw")
	srv.FailNext(kmstest.Fault{Delay: time.Minute})
	dctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	_, err := c.GetSecretValue(dctx, &kms.GetSecretValueInput{SecretName: "db"})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.True(t, errors.Is(err, context.DeadlineExceeded))
}

// TestBytesDataTypes pins Bytes on each SecretDataType: text as is, binary
// (any case) decoded from padded or unpadded base64, and base64 that does
// not decode an error that names the secret, not its value.
func TestBytesDataTypes(t *testing.T) {
	tests := []struct {
		name, dataType, data string
		want                 []byte
	}{
		{"text", "text", "AAEC/w==", []byte("AAEC/w==")},
		{"no type: text", "", "AAEC", []byte("AAEC")},
		{"binary", "binary", "AAEC/w==", []byte{0, 1, 2, 0xff}},
		{"Binary, any case", "Binary", "AAEC", []byte{0, 1, 2}},
		{"binary without padding", "binary", "AAEC/w", []byte{0, 1, 2, 0xff}},
		{"binary, empty", "binary", "", []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &kms.GetSecretValueOutput{SecretName: "s", VersionID: "v1", SecretDataType: tt.dataType, SecretData: tt.data}
			b, err := out.Bytes()
			require.NoError(t, err)
			assert.Equal(t, tt.want, b)
		})
	}
	for _, bad := range []string{"not base64 at all!", "AAEC/w=x", "A"} {
		t.Run("bad "+bad, func(t *testing.T) {
			out := &kms.GetSecretValueOutput{SecretName: "s", VersionID: "v1", SecretDataType: "binary", SecretData: bad}
			b, err := out.Bytes()
			require.Error(t, err)
			assert.Nil(t, b)
			assert.Contains(t, err.Error(), `binary secret "s" (version v1)`)
			assert.NotContains(t, err.Error(), bad)
		})
	}
}
