package kms_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
)

func fullOutput(data, dataType string) *kms.GetSecretValueOutput {
	at := time.Date(2026, 3, 1, 2, 3, 4, 0, time.UTC)
	return &kms.GetSecretValueOutput{
		SecretName: "db", SecretType: "Rds", SecretData: data, SecretDataType: dataType,
		VersionID: "v1", VersionStages: []string{"ACSCurrent", "ACSPrevious"},
		CreateTime: at, LastRotationDate: at.Add(time.Hour), NextRotationDate: at.Add(2 * time.Hour),
		RotationInterval: 24 * time.Hour, AutomaticRotation: "Enabled", ExtendedConfig: `{"a":1}`,
		RequestID: "req-1", Unparsed: map[string]string{"CreateTime": "yesterday"},
	}
}

// TestCachedSecretHasEveryField: for each field of GetSecretValueOutput,
// found by reflection so that a field added later is covered too,
// CachedSecret has a method of the same name returning the same value,
// and Output carries it.
func TestCachedSecretHasEveryField(t *testing.T) {
	o := &kms.GetSecretValueOutput{}
	mutateAll(t, reflect.ValueOf(o).Elem(), "GetSecretValueOutput") // every field non-zero
	s := kms.NewCachedSecret(o)
	sv := reflect.ValueOf(s)
	ot := reflect.TypeOf(*o)
	for i := 0; i < ot.NumField(); i++ {
		f := ot.Field(i)
		require.False(t, reflect.ValueOf(*o).Field(i).IsZero(), "%s is set", f.Name)
		m := sv.MethodByName(f.Name)
		require.True(t, m.IsValid(), "CachedSecret has no method %s", f.Name)
		got := m.Call(nil)
		require.Len(t, got, 1, f.Name)
		assert.Equal(t, reflect.ValueOf(*o).Field(i).Interface(), got[0].Interface(), f.Name)
	}
	assert.Equal(t, o, s.Output())
	assert.NotSame(t, o, s.Output())
}

func TestCachedSecretMethods(t *testing.T) {
	o := fullOutput("pw", "text")
	s := kms.NewCachedSecret(o)
	assert.True(t, s.HasStage("ACSPrevious"))
	assert.False(t, s.HasStage("ACSPending"))
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = s.HasStage("ACSPrevious") }))

	// What the methods return is the caller's: changing it changes nothing held.
	s.VersionStages()[0] = "changed"
	s.Unparsed()["CreateTime"] = "changed"
	s.Output().VersionStages[1] = "changed"
	s.Output().Unparsed["CreateTime"] = "changed"
	s.Output().SecretData = "changed"
	assert.Equal(t, fullOutput("pw", "text"), s.Output())

	empty := kms.NewCachedSecret(&kms.GetSecretValueOutput{SecretName: "db"})
	assert.Nil(t, empty.VersionStages())
	assert.Nil(t, empty.Unparsed())
	assert.Equal(t, &kms.GetSecretValueOutput{SecretName: "db"}, empty.Output())

	// The zero value (what Get returns with an error) reads as empty.
	var zero kms.CachedSecret
	assert.Empty(t, zero.SecretData())
	assert.Empty(t, zero.VersionID())
	assert.Nil(t, zero.VersionStages())
	assert.False(t, zero.HasStage("ACSCurrent"))
	assert.Nil(t, zero.Output())
	assert.NotPanics(t, func() { _ = fmt.Sprintf("%v %+v %#v %s", zero, zero, zero, zero) })
}

func TestCachedSecretBytesAndJSON(t *testing.T) {
	s := kms.NewCachedSecret(fullOutput(`{"user":"app"}`, "text"))
	b, err := s.Bytes()
	require.NoError(t, err)
	assert.Equal(t, []byte(`{"user":"app"}`), b)
	var v struct{ User string }
	require.NoError(t, s.DecodeJSON(&v))
	assert.Equal(t, "app", v.User)

	bin := kms.NewCachedSecret(fullOutput(base64.StdEncoding.EncodeToString([]byte{0, 1, 2}), "binary"))
	b, err = bin.Bytes()
	require.NoError(t, err)
	assert.Equal(t, []byte{0, 1, 2}, b)

	bad := kms.NewCachedSecret(fullOutput("hunter2!", "binary"))
	_, err = bad.Bytes()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Contains(t, err.Error(), `"db"`)
	err = kms.NewCachedSecret(fullOutput("hunter2", "text")).DecodeJSON(&v)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Contains(t, err.Error(), "v1")
	_, err = kms.CachedSecret{}.Bytes()
	require.NoError(t, err, "the zero value holds no bytes")
}

// TestCachedSecretRedaction prints a CachedSecret every way a service
// might: directly, through a pointer, inside structs (exported and
// unexported fields, where fmt cannot call its methods), with %p, through
// slog's handlers and encoding/json.
func TestCachedSecretRedaction(t *testing.T) {
	const value = "VALUE-d41d8cd98f00b204"
	s := kms.NewCachedSecret(fullOutput(value, "text"))
	type holder struct {
		Secret  kms.CachedSecret
		private kms.CachedSecret
	}
	h := holder{s, s}
	var jsonLogs, textLogs bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonLogs, nil)).Info("got", "secret", s, "ptr", &s, "holder", h, "list", []kms.CachedSecret{s})
	slog.New(slog.NewTextHandler(&textLogs, nil)).Info("got", "secret", s, "ptr", &s, "holder", h, "list", []kms.CachedSecret{s})
	js, err := json.Marshal(h)
	require.NoError(t, err)
	printed := []string{jsonLogs.String(), textLogs.String(), string(js), s.String(), s.GoString(), fmt.Sprint(s), fmt.Sprintln(&s), fmt.Sprint([]any{s, &s}),
		fmt.Sprintf("%v|%+v|%#v|%s|%q|%x|%X|%d|%10.3v|%p|%t", s, s, s, s, s, s, s, s, s, s, s),
		fmt.Sprintf("%v|%+v|%#v|%s|%p", &s, &s, &s, &s, &s),
		fmt.Sprintf("%v|%+v|%#v|%p", h, h, h, &h),
		fmt.Errorf("wrapped: %v", s).Error()}
	for _, p := range printed {
		assert.NotContains(t, p, value)
		assert.NotContains(t, p, fmt.Sprintf("%x", value))
		assert.NotContains(t, p, fmt.Sprintf("%X", value))
	}
	assert.Contains(t, fmt.Sprintf("%+v", s), "SecretData:[redacted]")
	assert.Contains(t, fmt.Sprintf("%+v", s), "VersionStages:[ACSCurrent ACSPrevious]", "the metadata is shown")
	assert.Contains(t, fmt.Sprintf("%#v", s), "kms.CachedSecret{")
	assert.Contains(t, jsonLogs.String(), `"secret_data":"[redacted]"`)
	assert.Contains(t, jsonLogs.String(), `"version_id":"v1"`)
	assert.Equal(t, value, s.SecretData(), "the value itself is the caller's to use")
}
