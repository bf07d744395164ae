//! Console deep links per service.

use super::*;

#[test]
fn services_parse_by_name_label_and_alias() {
    for &service in AwsService::ALL {
        assert_eq!(AwsService::parse(service.name()), Some(service));
        assert_eq!(AwsService::parse(service.label()), Some(service));
        assert_eq!(
            AwsService::parse(&service.name().to_uppercase()),
            Some(service)
        );
        let stored = serde_json::to_string(&service).unwrap();
        assert_eq!(stored, format!("\"{}\"", service.name()));
    }
    for (alias, service) in [
        ("cw", AwsService::CloudWatch),
        ("K8s", AwsService::Eks),
        ("ddb", AwsService::DynamoDb),
        ("cfn", AwsService::CloudFormation),
        ("secrets", AwsService::SecretsManager),
        ("systems-manager", AwsService::Ssm),
        ("parameterstore", AwsService::Ssm),
        ("dns", AwsService::Route53),
        ("cdn", AwsService::CloudFront),
        ("cloudwatch-logs", AwsService::Logs),
        ("Route53", AwsService::Route53),
    ] {
        assert_eq!(AwsService::parse(alias), Some(service), "{alias}");
    }
    for unknown in ["", "ec", "s4", "glue", "ec2 x"] {
        assert_eq!(AwsService::parse(unknown), None, "{unknown}");
    }
    let global: Vec<_> = AwsService::ALL
        .iter()
        .filter(|s| s.is_global())
        .copied()
        .collect();
    assert_eq!(
        global,
        [AwsService::Iam, AwsService::Route53, AwsService::CloudFront]
    );
}

#[test]
fn service_urls_are_on_the_right_console_host() {
    for &partition in Partition::ALL {
        let region = partition.default_region();
        for &service in AwsService::ALL {
            let url = service_url(partition, service, region);
            let parsed = Url::parse(&url).unwrap();
            assert_eq!(parsed.scheme(), "https");
            let host = parsed.host_str().unwrap();
            assert!(is_console_host(host, partition), "{url}");
            let pairs = query(&url);
            if service.is_global() {
                assert_eq!(host, partition.console_host(), "{url}");
                assert!(pairs.is_empty(), "{url}");
            } else {
                assert_eq!(pairs, [("region".to_owned(), region.to_owned())], "{url}");
            }
        }
    }
}

#[test]
fn service_urls_examples() {
    let aws = Partition::Aws;
    assert_eq!(
        service_url(aws, AwsService::Ec2, "us-west-2"),
        "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2#Home:"
    );
    assert_eq!(
        service_url(aws, AwsService::S3, "us-west-2"),
        "https://s3.console.aws.amazon.com/s3/buckets?region=us-west-2"
    );
    assert_eq!(
        service_url(aws, AwsService::Iam, "us-west-2"),
        "https://console.aws.amazon.com/iam/home#/home"
    );
    assert_eq!(
        service_url(aws, AwsService::Logs, "eu-west-1"),
        "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups"
    );
    assert_eq!(
        service_url(Partition::AwsUsGov, AwsService::S3, "us-gov-east-1"),
        "https://console.amazonaws-us-gov.com/s3/buckets?region=us-gov-east-1"
    );
    assert_eq!(
        service_url(aws, AwsService::Lambda, "../../evil.com"),
        "https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions"
    );
}
