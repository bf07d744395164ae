//! Partitions and regions.

use super::*;

#[test]
fn partitions_round_trip_by_name_and_serde() {
    for &partition in Partition::ALL {
        assert_eq!(Partition::from_name(partition.name()), Some(partition));
        let stored = serde_json::to_string(&partition).unwrap();
        assert_eq!(stored, format!("\"{}\"", partition.name()));
        assert_eq!(
            serde_json::from_str::<Partition>(&stored).unwrap(),
            partition
        );
        assert_eq!(partition.to_string(), partition.name());
        assert_eq!(
            Partition::from_region(partition.default_region()),
            partition
        );
    }
    for unknown in ["", "AWS", "aws-iso", " aws", "aws-us-gov "] {
        assert_eq!(Partition::from_name(unknown), None, "{unknown:?}");
    }
    assert!(serde_json::from_str::<Partition>("\"aws-iso\"").is_err());
}

#[test]
fn regions_tell_their_partition() {
    assert_eq!(Partition::from_region("us-gov-east-1"), Partition::AwsUsGov);
    assert_eq!(Partition::from_region("cn-northwest-1"), Partition::AwsCn);
    assert_eq!(Partition::from_region("us-east-1"), Partition::Aws);
    assert_eq!(Partition::from_region("eu-central-2"), Partition::Aws);
    assert_eq!(Partition::from_region(""), Partition::Aws);
}

#[test]
fn hosts_per_partition() {
    assert_eq!(Partition::Aws.signin_host(), "signin.aws.amazon.com");
    assert_eq!(
        Partition::AwsUsGov.signin_host(),
        "signin.amazonaws-us-gov.com"
    );
    assert_eq!(Partition::AwsCn.signin_host(), "signin.amazonaws.cn");
    assert_eq!(Partition::Aws.console_host(), "console.aws.amazon.com");
    assert_eq!(
        Partition::AwsUsGov.console_host(),
        "console.amazonaws-us-gov.com"
    );
    assert_eq!(Partition::AwsCn.console_host(), "console.amazonaws.cn");
}

#[test]
fn accepts_region_shapes_and_refuses_the_rest() {
    for good in [
        "us-west-2",
        "us-east-1",
        "us-gov-west-1",
        "cn-northwest-1",
        "ap-southeast-3",
        "eu-central-2",
        "il-central-1",
        "us-isob-east-1",
    ] {
        assert!(is_valid_region(good), "{good}");
    }
    for bad in [
        "",
        "us",
        "us-west",
        "uswest2",
        "us-west-2a",
        "US-WEST-2",
        "../x",
        "us-west-2.evil.com",
        "us-west-2/",
        "us--2",
        "-us-west-2",
        "us-west-2-",
        "us-west-",
        "1-west-2",
        "us-west-1234",
        "us west 2",
        "us-wеst-2", // Cyrillic е
        "us-west-2\n",
        &"a-".repeat(20),
    ] {
        assert!(!is_valid_region(bad), "{bad:?}");
    }
}

#[test]
fn usable_region_falls_back_to_the_partition_default() {
    assert_eq!(usable_region(Partition::Aws, "eu-west-1"), "eu-west-1");
    assert_eq!(usable_region(Partition::Aws, "evil.com"), "us-east-1");
    assert_eq!(usable_region(Partition::Aws, "cn-north-1"), "us-east-1");
    assert_eq!(
        usable_region(Partition::AwsUsGov, "us-east-1"),
        "us-gov-west-1"
    );
    assert_eq!(usable_region(Partition::AwsCn, ""), "cn-north-1");
}
