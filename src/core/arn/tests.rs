use super::*;
use url::Url;

fn arn(text: &str) -> Arn {
    Arn::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn url_of(text: &str) -> String {
    arn(text).console_url("us-west-2")
}

#[test]
fn parses_the_six_fields() {
    assert_eq!(
        arn("  arn:aws:lambda:us-west-2:123456789012:function:my-fn:prod \n"),
        Arn {
            partition: Partition::Aws,
            service: "lambda".into(),
            region: "us-west-2".into(),
            account: "123456789012".into(),
            resource: "function:my-fn:prod".into(),
        }
    );
    let bucket = arn("arn:aws:s3:::my-bucket/path/to/key with space.txt");
    assert_eq!(bucket.region, "");
    assert_eq!(bucket.account, "");
    assert_eq!(bucket.resource, "my-bucket/path/to/key with space.txt");
    let managed = arn("arn:aws:iam::aws:policy/AdministratorAccess");
    assert_eq!(managed.account, "aws");
    let gov = arn("arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/i-1");
    assert_eq!(gov.partition, Partition::AwsUsGov);
    let cn = arn("arn:aws-cn:s3:::b");
    assert_eq!(cn.partition, Partition::AwsCn);
    assert_eq!(
        arn("arn:aws:sns:us-east-1:123456789012:topic:sub-id").resource,
        "topic:sub-id"
    );
}

#[test]
fn displays_as_written() {
    for text in [
        "arn:aws:s3:::my-bucket/a:b/c",
        "arn:aws-cn:iam::123456789012:role/x",
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*",
    ] {
        assert_eq!(arn(text).to_string(), text);
    }
}

#[test]
fn refuses_what_is_not_an_arn() {
    let cases: &[(&str, ArnError)] = &[
        ("", ArnError::Empty),
        ("   ", ArnError::Empty),
        ("arn:aws:s3:::b\u{0}", ArnError::ControlCharacter),
        ("arn:aws:s3:::a\nb", ArnError::ControlCharacter),
        ("arn:aws:s3:::a\tb", ArnError::ControlCharacter),
        ("arn:aws:s3:::a\u{85}b", ArnError::ControlCharacter),
        ("arn:aws:s3::", ArnError::NotAnArn),
        ("arn:aws:s3:b", ArnError::NotAnArn),
        ("ARN:aws:s3:::b", ArnError::NotAnArn),
        ("urn:aws:s3:::b", ArnError::NotAnArn),
        ("https://s3.console.aws.amazon.com", ArnError::NotAnArn),
        (
            "arn:aws-iso:s3:::b",
            ArnError::UnknownPartition("aws-iso".into()),
        ),
        ("arn::s3:::b", ArnError::UnknownPartition(String::new())),
        ("arn:AWS:s3:::b", ArnError::UnknownPartition("AWS".into())),
        ("arn:aws::::b", ArnError::InvalidService),
        ("arn:aws:S3:::b", ArnError::InvalidService),
        ("arn:aws:s3/x:::b", ArnError::InvalidService),
        (
            "arn:aws:ec2:us-west-2.evil.com:123456789012:x",
            ArnError::InvalidRegion,
        ),
        ("arn:aws:ec2:../x:123456789012:x", ArnError::InvalidRegion),
        (
            "arn:aws:ec2:cn-north-1:123456789012:x",
            ArnError::InvalidRegion,
        ),
        (
            "arn:aws-us-gov:ec2:us-east-1:123456789012:x",
            ArnError::InvalidRegion,
        ),
        (
            "arn:aws:ec2:us-east-1:12345678901:x",
            ArnError::InvalidAccount,
        ),
        (
            "arn:aws:ec2:us-east-1:1234567890123:x",
            ArnError::InvalidAccount,
        ),
        (
            "arn:aws:ec2:us-east-1:12345678901a:x",
            ArnError::InvalidAccount,
        ),
        (
            "arn:aws:ec2:us-east-1:123456789012:",
            ArnError::EmptyResource,
        ),
        ("arn:aws:s3:::", ArnError::EmptyResource),
    ];
    for (text, expected) in cases {
        assert_eq!(Arn::parse(text).as_ref(), Err(expected), "{text:?}");
    }
    let long = format!("arn:aws:s3:::{}", "b".repeat(MAX_ARN_LEN));
    assert_eq!(Arn::parse(&long), Err(ArnError::TooLong));
    let longest = format!("arn:aws:s3:::{}", "é".repeat(MAX_ARN_LEN - 13));
    assert!(Arn::parse(&longest).is_ok());
}

#[test]
fn every_error_has_a_sentence() {
    let invalid = ArnError::NotAnArn.user_text();
    assert_eq!(invalid.name, msg::ARN_INVALID.name);
    assert!(invalid.english().ends_with('.'));
    let wrong = arn("arn:aws-cn:s3:::b")
        .check_partition(Partition::Aws)
        .unwrap_err();
    assert_eq!(
        wrong,
        ArnError::WrongPartition {
            arn: Partition::AwsCn,
            portal: Partition::Aws
        }
    );
    let text = wrong.user_text();
    assert_eq!(text.name, msg::ARN_WRONG_PARTITION.name);
    assert_eq!(text.args, ["aws-cn", "aws"]);
    assert!(text.english().contains("aws-cn"));
    assert_eq!(
        arn("arn:aws:s3:::b").check_partition(Partition::Aws),
        Ok(())
    );
}

#[test]
fn finds_the_first_arn_in_a_selection() {
    let found = |text: &str| Arn::find_in(text).map(|a| a.to_string());
    assert_eq!(
        found("see arn:aws:s3:::bucket for details").as_deref(),
        Some("arn:aws:s3:::bucket")
    );
    assert_eq!(
        found("Role: arn:aws:iam::123456789012:role/admin.").as_deref(),
        Some("arn:aws:iam::123456789012:role/admin")
    );
    assert_eq!(
        found(r#"{"Resource": ["arn:aws:sqs:us-east-1:123456789012:q1","arn:aws:s3:::b"]}"#)
            .as_deref(),
        Some("arn:aws:sqs:us-east-1:123456789012:q1")
    );
    assert_eq!(
        found("(arn:aws:lambda:eu-west-1:123456789012:function:f)").as_deref(),
        Some("arn:aws:lambda:eu-west-1:123456789012:function:f")
    );
    assert_eq!(
        found("Learn: arn:bad and then arn:aws:s3:::second").as_deref(),
        Some("arn:aws:s3:::second")
    );
    assert_eq!(
        found("xarn:aws:s3:::glued arn:aws:s3:::free").as_deref(),
        Some("arn:aws:s3:::free")
    );
    assert_eq!(
        found("line1\narn:aws:s3:::b\nline3").as_deref(),
        Some("arn:aws:s3:::b")
    );
    assert_eq!(found("arn:aws:s3:::b").as_deref(), Some("arn:aws:s3:::b"));
    for nothing in [
        "",
        "no arn here",
        "arn:",
        "arn:aws:s3:::",
        "learn:aws:s3:::b",
    ] {
        assert_eq!(found(nothing), None, "{nothing:?}");
    }
    let too_long = format!("arn:aws:s3:::{} arn:aws:s3:::ok", "b".repeat(3000));
    assert_eq!(found(&too_long).as_deref(), Some("arn:aws:s3:::ok"));
    // Many candidates without a delimiter stay cheap.
    let hostile = "arn:".repeat(50_000);
    assert_eq!(found(&hostile), None);
}

#[test]
fn console_urls_for_common_resources() {
    let cases = [
        (
            "arn:aws:s3:::my-bucket",
            "https://s3.console.aws.amazon.com/s3/buckets/my-bucket?region=us-west-2&tab=objects",
        ),
        (
            "arn:aws:s3:::my-bucket/dir/file.txt",
            "https://s3.console.aws.amazon.com/s3/object/my-bucket?region=us-west-2&prefix=dir%2Ffile.txt",
        ),
        (
            "arn:aws:s3:::my-bucket/dir/",
            "https://s3.console.aws.amazon.com/s3/buckets/my-bucket?region=us-west-2&prefix=dir%2F",
        ),
        (
            "arn:aws:s3:::my-bucket/*",
            "https://s3.console.aws.amazon.com/s3/buckets/my-bucket?region=us-west-2&tab=objects",
        ),
        (
            "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
            "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#InstanceDetails:instanceId=i-0abc",
        ),
        (
            "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1",
            "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SecurityGroup:groupId=sg-1",
        ),
        (
            "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1",
            "https://us-east-1.console.aws.amazon.com/vpcconsole/home?region=us-east-1#VpcDetails:VpcId=vpc-1",
        ),
        (
            "arn:aws:lambda:eu-west-1:123456789012:function:my-fn:live",
            "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/my-fn",
        ),
        (
            "arn:aws:iam::123456789012:role/service-role/MyRole",
            "https://console.aws.amazon.com/iam/home#/roles/details/MyRole",
        ),
        (
            "arn:aws:iam::123456789012:user/alice",
            "https://console.aws.amazon.com/iam/home#/users/details/alice",
        ),
        (
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "https://console.aws.amazon.com/iam/home#/policies/details/arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess",
        ),
        (
            "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
            "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services?region=us-east-1",
        ),
        (
            "arn:aws:ecs:us-east-1:123456789012:service/prod/web",
            "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/health?region=us-east-1",
        ),
        (
            "arn:aws:eks:us-east-1:123456789012:cluster/k",
            "https://us-east-1.console.aws.amazon.com/eks/home?region=us-east-1#/clusters/k",
        ),
        (
            "arn:aws:rds:us-east-1:123456789012:db:mydb",
            "https://us-east-1.console.aws.amazon.com/rds/home?region=us-east-1#database:id=mydb;is-cluster=false",
        ),
        (
            "arn:aws:rds:us-east-1:123456789012:cluster:aurora",
            "https://us-east-1.console.aws.amazon.com/rds/home?region=us-east-1#database:id=aurora;is-cluster=true",
        ),
        (
            "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2024",
            "https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=Orders",
        ),
        (
            "arn:aws:sqs:us-east-1:123456789012:jobs.fifo",
            "https://us-east-1.console.aws.amazon.com/sqs/v3/home?region=us-east-1#/queues/https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Fjobs.fifo",
        ),
        (
            "arn:aws:sns:us-east-1:123456789012:alerts",
            "https://us-east-1.console.aws.amazon.com/sns/v3/home?region=us-east-1#/topic/arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aalerts",
        ),
        (
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123",
            "https://us-east-1.console.aws.amazon.com/secretsmanager/secret?name=prod%2Fdb&region=us-east-1",
        ),
        (
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*",
            "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Ff",
        ),
        (
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab",
            "https://us-east-1.console.aws.amazon.com/kms/home?region=us-east-1#/kms/keys/1234abcd-12ab",
        ),
        (
            "arn:aws:ecr:us-east-1:123456789012:repository/team/app",
            "https://us-east-1.console.aws.amazon.com/ecr/repositories/private/123456789012/team/app?region=us-east-1",
        ),
        (
            "arn:aws:glue:us-east-1:123456789012:database/x",
            "https://us-east-1.console.aws.amazon.com/glue/home?region=us-east-1",
        ),
        (
            "arn:aws:ec2:us-east-1:123456789012:launch-template/lt-1",
            "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Home:",
        ),
        (
            "arn:aws:ecs:us-east-1:123456789012:service/old-style",
            "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters?region=us-east-1",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(url_of(text), expected, "{text}");
    }
    assert!(url_of("arn:aws:cloudformation:us-east-1:123456789012:stack/s/uuid-1")
        .starts_with("https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/stackinfo?stackId=arn%3Aaws%3Acloudformation"));
}

#[test]
fn console_urls_use_the_partition_and_a_real_region() {
    assert_eq!(
        arn("arn:aws-us-gov:s3:::b").console_url("us-gov-east-1"),
        "https://console.amazonaws-us-gov.com/s3/buckets/b?region=us-gov-east-1&tab=objects"
    );
    assert_eq!(
        arn("arn:aws-cn:iam::123456789012:role/r").console_url("cn-north-1"),
        "https://console.amazonaws.cn/iam/home#/roles/details/r"
    );
    assert_eq!(
        arn("arn:aws-cn:sqs:cn-north-1:123456789012:q").console_url("x"),
        "https://cn-north-1.console.amazonaws.cn/sqs/v3/home?region=cn-north-1#/queues/https%3A%2F%2Fsqs.cn-north-1.amazonaws.com.cn%2F123456789012%2Fq"
    );
    // The default region must be a region of the ARN's partition.
    assert_eq!(
        arn("arn:aws-us-gov:s3:::b").console_url("us-east-1"),
        "https://console.amazonaws-us-gov.com/s3/buckets/b?region=us-gov-west-1&tab=objects"
    );
    assert_eq!(
        arn("arn:aws:s3:::b").console_url("evil.com/x"),
        "https://s3.console.aws.amazon.com/s3/buckets/b?region=us-east-1&tab=objects"
    );
}

#[test]
fn hostile_resources_never_leave_the_console() {
    let hostile = [
        "../../evil.com",
        "..",
        ".",
        "@evil.com",
        "#x",
        "?x=1",
        "a b c",
        "ünïcödé/日本",
        "%2e%2e/%2F",
        "\\\\evil.com",
        "//evil.com/x",
        "x/../../../y",
        "javascript:alert(1)",
        "x:@evil.com:443",
        "x\u{202e}y",
        ":",
        "/",
        "*",
    ];
    // Each service with the resource types it gives a page of its own, plus a bare one.
    let resources: &[(&str, &[&str])] = &[
        ("s3", &[""]),
        (
            "ec2",
            &[
                "instance/",
                "security-group/",
                "vpc/",
                "subnet/",
                "volume/",
                "image/",
            ],
        ),
        ("lambda", &["function:", "function:f:"]),
        (
            "iam",
            &["role/", "role/path/", "user/", "group/", "policy/"],
        ),
        ("ecs", &["cluster/", "service/", "service/c/"]),
        ("eks", &["cluster/"]),
        ("rds", &["db:", "cluster:"]),
        ("dynamodb", &["table/"]),
        ("sqs", &[""]),
        ("sns", &["", "topic:"]),
        ("cloudformation", &["stack/"]),
        ("secretsmanager", &["secret:"]),
        ("logs", &["log-group:"]),
        ("cloudwatch", &["alarm:"]),
        ("kms", &["key/"]),
        ("ecr", &["repository/", "repository/team/"]),
        ("route53", &["hostedzone/"]),
        ("cloudfront", &["distribution/"]),
        ("ssm", &["parameter/"]),
        ("glue", &["database/"]),
        ("x-y", &[""]),
    ];
    let mut checked = 0;
    for &partition in Partition::ALL {
        let region = partition.default_region();
        for &(service, kinds) in resources {
            for (reg, acct) in [(region, "123456789012"), ("", ""), ("", "aws")] {
                for kind in kinds.iter().chain(&[""]) {
                    for bad in hostile {
                        let text = format!(
                            "arn:{}:{service}:{reg}:{acct}:{kind}{bad}",
                            partition.name()
                        );
                        let Ok(parsed) = Arn::parse(&text) else {
                            continue;
                        };
                        for default in [region, "evil.com/x"] {
                            let url = parsed.console_url(default);
                            let u =
                                Url::parse(&url).unwrap_or_else(|e| panic!("{text} → {url}: {e}"));
                            assert_eq!(u.scheme(), "https", "{url}");
                            assert!(u.username().is_empty() && u.port().is_none());
                            let host = u.host_str().unwrap_or_default();
                            assert!(aws::is_console_host(host, partition), "{text} → {url}");
                            // Already in normal form: nothing for a parser to re-encode
                            // or resolve (no dot segments), so what is built is what opens.
                            assert_eq!(u.as_str(), url, "{text}");
                            assert!(url.is_ascii() && !url.contains(['\\', ' ']), "{url}");
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 5_000, "{checked}");
}

#[test]
fn dot_segments_fall_back_to_the_service_home() {
    assert_eq!(
        url_of("arn:aws:s3:::.."),
        "https://s3.console.aws.amazon.com/s3/buckets?region=us-west-2"
    );
    assert_eq!(
        url_of("arn:aws:ecr:us-east-1:123456789012:repository/a/../b"),
        "https://us-east-1.console.aws.amazon.com/ecr/private-registry/repositories?region=us-east-1"
    );
}

#[test]
fn query_values_round_trip() {
    let key = "dir/a b&c=d#e?f+g%h/ü.txt";
    let url = url_of(&format!("arn:aws:s3:::bucket/{key}"));
    let parsed = Url::parse(&url).unwrap();
    assert_eq!(parsed.path(), "/s3/object/bucket");
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("region".to_owned(), "us-west-2".to_owned()),
            ("prefix".to_owned(), key.to_owned())
        ]
    );
    assert_eq!(parsed.fragment(), None);
}

#[test]
fn arns_survive_storage() {
    let parsed = arn("arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/i-1");
    let stored = serde_json::to_value(&parsed).unwrap();
    assert_eq!(
        stored,
        "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/i-1"
    );
    assert_eq!(serde_json::from_value::<Arn>(stored).unwrap(), parsed);
    for bad in ["\"arn:aws:ec2:../x:123456789012:i\"", "\"\"", "{}", "5"] {
        assert!(serde_json::from_str::<Arn>(bad).is_err(), "{bad}");
    }
}
