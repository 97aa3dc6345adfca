// Package awsapi holds runnerfleet's adapters over aws-sdk-go-v2. SSM reads Parameter Store
// values for `{ssm: /param}` token references (reconcile.ParameterStore). LoadConfig builds
// the aws.Config they share from the SDK's default credential chain, optionally pointed at a
// custom endpoint (a VPC endpoint on an air-gapped site, or a test fake).
//
// The package reads no environment variables itself; config.LoadDefaultConfig reads the
// SDK's own (AWS_REGION, AWS_PROFILE, ...). Errors follow the house form
// "unable to <verb> <thing>: ..." and never carry a secret value.
package awsapi
