package main

import (
	"time"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// startFakes starts the fake servers with example secrets and returns the
// KMS secret name and the SAE namespace and secret name to read.
func startFakes() (*kmstest.Server, *saetest.Server, string, string, string, error) {
	created := time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	kmsSrv := kmstest.NewServer()
	err := kmsSrv.PutSecret(kmstest.Secret{
		Name:              "prod/db-password",
		Description:       "primary database password",
		AutomaticRotation: "Enabled",
		RotationInterval:  30 * 24 * time.Hour,
		CreateTime:        created,
		UpdateTime:        created.Add(24 * time.Hour),
		NextRotationDate:  created.Add(30 * 24 * time.Hour),
		Tags:              []kms.Tag{{Key: "team", Value: "payments"}, {Key: "env", Value: "prod"}},
		Versions: []kmstest.Version{
			{ID: "v1", Stages: []string{"ACSPrevious"}, Data: "old-Pa55w0rd", CreateTime: created},
			{ID: "v2", Stages: []string{"ACSCurrent"}, Data: "n3w-Pa55w0rd!", CreateTime: created.Add(24 * time.Hour)},
		},
	})
	if err != nil {
		kmsSrv.Close()
		return nil, nil, "", "", "", err
	}
	saeSrv := saetest.NewServer()
	_, err = saeSrv.PutSecret(saetest.Secret{
		NamespaceID: "cn-beijing:prod",
		SecretName:  "registry-auth",
		SecretType:  "kubernetes.io/dockerconfigjson",
		SecretData: map[string]string{
			sae.DockerConfigJSONKey: "eyJhdXRocyI6eyJyZWdpc3RyeS5jbi1iZWlqaW5nLmFsaXl1bmNzLmNvbSI6eyJ1c2VybmFtZSI6ImRlcGxveSIsInBhc3N3b3JkIjoiczNjcjN0In19fQ==",
		},
		CreateTime: created,
		UpdateTime: created,
		RelateApps: []sae.RelateApp{{AppID: "f16b4000-9058-4c22-a49d-49a28f000001", AppName: "checkout"}},
	})
	if err != nil {
		kmsSrv.Close()
		saeSrv.Close()
		return nil, nil, "", "", "", err
	}
	return kmsSrv, saeSrv, "prod/db-password", "cn-beijing:prod", "registry-auth", nil
}
