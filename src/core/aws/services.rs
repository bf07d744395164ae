//! Console deep links per AWS service.

use super::{usable_region, Partition};
use serde::{Deserialize, Serialize};

/// An AWS service the extension can open the console of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AwsService {
    /// EC2.
    Ec2,
    /// S3.
    S3,
    /// IAM (global).
    Iam,
    /// CloudWatch.
    CloudWatch,
    /// ECS.
    Ecs,
    /// EKS.
    Eks,
    /// Lambda.
    Lambda,
    /// RDS.
    Rds,
    /// DynamoDB.
    DynamoDb,
    /// CloudFormation.
    CloudFormation,
    /// VPC.
    Vpc,
    /// SQS.
    Sqs,
    /// SNS.
    Sns,
    /// Secrets Manager.
    SecretsManager,
    /// Systems Manager (Parameter Store).
    Ssm,
    /// Route 53 (global).
    Route53,
    /// CloudFront (global).
    CloudFront,
    /// KMS.
    Kms,
    /// CloudWatch Logs.
    Logs,
    /// ECR.
    Ecr,
}

impl AwsService {
    /// Every service, in menu order.
    pub const ALL: &'static [AwsService] = &[
        Self::Ec2,
        Self::S3,
        Self::Iam,
        Self::CloudWatch,
        Self::Ecs,
        Self::Eks,
        Self::Lambda,
        Self::Rds,
        Self::DynamoDb,
        Self::CloudFormation,
        Self::Vpc,
        Self::Sqs,
        Self::Sns,
        Self::SecretsManager,
        Self::Ssm,
        Self::Route53,
        Self::CloudFront,
        Self::Kms,
        Self::Logs,
        Self::Ecr,
    ];

    /// The service named `name`: its ARN service name, its label or a common alias
    /// (`cw`, `k8s`, `ddb`, `cfn`, `secrets`, `parameterstore`, `dns`, `cdn`, ...),
    /// ignoring case, spaces, hyphens and underscores.
    pub fn parse(name: &str) -> Option<AwsService> {
        let key: String = name
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Some(match key.as_str() {
            "ec2" => Self::Ec2,
            "s3" => Self::S3,
            "iam" => Self::Iam,
            "cloudwatch" | "cw" => Self::CloudWatch,
            "ecs" => Self::Ecs,
            "eks" | "k8s" | "kubernetes" => Self::Eks,
            "lambda" => Self::Lambda,
            "rds" => Self::Rds,
            "dynamodb" | "ddb" => Self::DynamoDb,
            "cloudformation" | "cfn" => Self::CloudFormation,
            "vpc" => Self::Vpc,
            "sqs" => Self::Sqs,
            "sns" => Self::Sns,
            "secretsmanager" | "secrets" => Self::SecretsManager,
            "ssm" | "systemsmanager" | "parameterstore" => Self::Ssm,
            "route53" | "dns" => Self::Route53,
            "cloudfront" | "cdn" => Self::CloudFront,
            "kms" => Self::Kms,
            "logs" | "cloudwatchlogs" => Self::Logs,
            "ecr" => Self::Ecr,
            _ => return None,
        })
    }

    /// The service's short name, as in its ARNs (`vpc` aside, which has none).
    pub fn name(self) -> &'static str {
        match self {
            Self::Ec2 => "ec2",
            Self::S3 => "s3",
            Self::Iam => "iam",
            Self::CloudWatch => "cloudwatch",
            Self::Ecs => "ecs",
            Self::Eks => "eks",
            Self::Lambda => "lambda",
            Self::Rds => "rds",
            Self::DynamoDb => "dynamodb",
            Self::CloudFormation => "cloudformation",
            Self::Vpc => "vpc",
            Self::Sqs => "sqs",
            Self::Sns => "sns",
            Self::SecretsManager => "secretsmanager",
            Self::Ssm => "ssm",
            Self::Route53 => "route53",
            Self::CloudFront => "cloudfront",
            Self::Kms => "kms",
            Self::Logs => "logs",
            Self::Ecr => "ecr",
        }
    }

    /// The name people know the service by ("S3", "Route 53"); AWS's product names, the same
    /// in every language.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ec2 => "EC2",
            Self::S3 => "S3",
            Self::Iam => "IAM",
            Self::CloudWatch => "CloudWatch",
            Self::Ecs => "ECS",
            Self::Eks => "EKS",
            Self::Lambda => "Lambda",
            Self::Rds => "RDS",
            Self::DynamoDb => "DynamoDB",
            Self::CloudFormation => "CloudFormation",
            Self::Vpc => "VPC",
            Self::Sqs => "SQS",
            Self::Sns => "SNS",
            Self::SecretsManager => "Secrets Manager",
            Self::Ssm => "Systems Manager",
            Self::Route53 => "Route 53",
            Self::CloudFront => "CloudFront",
            Self::Kms => "KMS",
            Self::Logs => "CloudWatch Logs",
            Self::Ecr => "ECR",
        }
    }

    /// Whether the service is global: its console URL has no region.
    pub fn is_global(self) -> bool {
        matches!(self, Self::Iam | Self::Route53 | Self::CloudFront)
    }

    /// The landing page: the path, and what follows `?region=…` (a fragment, or nothing).
    /// Global services take the whole tail as path (they have no query).
    fn landing(self) -> (&'static str, &'static str) {
        match self {
            Self::Ec2 => ("/ec2/home", "#Home:"),
            Self::S3 => ("/s3/buckets", ""),
            Self::Iam => ("/iam/home#/home", ""),
            Self::CloudWatch => ("/cloudwatch/home", ""),
            Self::Ecs => ("/ecs/v2/clusters", ""),
            Self::Eks => ("/eks/home", "#/clusters"),
            Self::Lambda => ("/lambda/home", "#/functions"),
            Self::Rds => ("/rds/home", "#databases:"),
            Self::DynamoDb => ("/dynamodbv2/home", "#tables"),
            Self::CloudFormation => ("/cloudformation/home", "#/stacks"),
            Self::Vpc => ("/vpcconsole/home", "#vpcs:"),
            Self::Sqs => ("/sqs/v3/home", "#/queues"),
            Self::Sns => ("/sns/v3/home", "#/topics"),
            Self::SecretsManager => ("/secretsmanager/listsecrets", ""),
            Self::Ssm => ("/systems-manager/home", ""),
            Self::Route53 => ("/route53/v2/home#Dashboard", ""),
            Self::CloudFront => ("/cloudfront/v4/home", ""),
            Self::Kms => ("/kms/home", "#/kms/keys"),
            Self::Logs => ("/cloudwatch/home", "#logsV2:log-groups"),
            Self::Ecr => ("/ecr/private-registry/repositories", ""),
        }
    }
}

/// The origin of the regional console in `region` (already a usable region).
pub(crate) fn regional_origin(partition: Partition, region: &str) -> String {
    format!("https://{region}.{}", partition.console_host())
}

/// The origin of the S3 console. Commercial AWS has S3's own console host; for the other
/// partitions only the plain console host is certain to exist, so that is used.
pub(crate) fn s3_origin(partition: Partition) -> String {
    match partition {
        Partition::Aws => format!("https://s3.{}", partition.console_host()),
        _ => format!("https://{}", partition.console_host()),
    }
}

/// The console landing page of `service`: in `region` for regional services (the
/// partition's default region when `region` is not one of its regions), without a region
/// for global ones.
pub fn service_url(partition: Partition, service: AwsService, region: &str) -> String {
    let region = usable_region(partition, region);
    let (path, tail) = service.landing();
    if service.is_global() {
        format!("https://{}{path}", partition.console_host())
    } else if service == AwsService::S3 {
        format!("{}{path}?region={region}{tail}", s3_origin(partition))
    } else {
        format!(
            "{}{path}?region={region}{tail}",
            regional_origin(partition, region)
        )
    }
}
