//! The SAM template and README of a bundle.

use std::fmt::Write as _;

use crate::catalog::Catalog;
use crate::model::{Delivery, Plan};

/// The handler module file name inside the bundle; the template's `Handler` matches it.
pub const HANDLER_FILE: &str = "lambda_function.py";

/// A YAML double-quoted scalar (JSON strings are valid YAML).
fn q(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn param_name(placeholder: &str) -> String {
    placeholder
        .split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let lower = p.to_ascii_lowercase();
            let mut c = lower.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `template.yaml` for the plan: function, runtime, trigger, environment and policies.
pub(crate) fn template(catalog: &Catalog, plan: &Plan, iam: &[String]) -> String {
    let mut y = String::new();
    y.push_str("AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::Serverless-2016-10-31\n");
    let _ = writeln!(y, "Description: {}", q(&plan.name));
    let placeholders = plan.placeholders();
    let secret = |p: &str| -> bool {
        plan.tools
            .iter()
            .filter_map(|t| catalog.tool(&t.id))
            .find_map(|t| t.credential(p))
            .is_none_or(|c| c.secret)
    };
    let t = &plan.trigger;
    let bucket_param = t.delivery == Delivery::S3;
    let queue_param = t.delivery == Delivery::Sqs;
    let stream_param = t.delivery == Delivery::Kinesis;
    if !placeholders.is_empty() || bucket_param || queue_param || stream_param {
        y.push_str("\nParameters:\n");
        for p in &placeholders {
            let _ = writeln!(y, "  {}:\n    Type: String", param_name(p));
            if secret(p) {
                y.push_str("    NoEcho: true\n");
            }
            let _ = writeln!(y, "    Description: {}", q(&format!("Value of {p}")));
        }
        if bucket_param {
            let name = t
                .params
                .get("bucket")
                .cloned()
                .unwrap_or_else(|| "workflow-uploads".to_owned());
            let _ = writeln!(
                y,
                "  UploadBucketName:\n    Type: String\n    Default: {}",
                q(&name)
            );
        }
        if queue_param {
            y.push_str("  QueueArn:\n    Type: String\n    Description: \"ARN of the SQS queue to read\"\n");
        }
        if stream_param {
            y.push_str("  StreamArn:\n    Type: String\n    Description: \"ARN of the Kinesis stream to read\"\n");
        }
    }
    y.push_str(
        "\nResources:\n  WorkflowFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n",
    );
    let _ = writeln!(
        y,
        "      Handler: {}.lambda_handler",
        HANDLER_FILE.trim_end_matches(".py")
    );
    y.push_str("      Runtime: python3.13\n      CodeUri: .\n      Timeout: 60\n      MemorySize: 256\n      Architectures:\n        - arm64\n");
    let _ = writeln!(
        y,
        "      Description: {}",
        q(&plan.summary.chars().take(250).collect::<String>())
    );
    if !placeholders.is_empty() {
        y.push_str("      Environment:\n        Variables:\n");
        for p in &placeholders {
            let _ = writeln!(y, "          {p}: !Ref {}", param_name(p));
        }
    }
    // policies: least privilege per AWS action used
    let mut statements: Vec<String> = Vec::new();
    if !iam.is_empty() {
        let mut s = String::from("            - Effect: Allow\n              Action:\n");
        for a in iam {
            let _ = writeln!(s, "                - {}", q(a));
        }
        s.push_str("              Resource: \"*\"\n");
        statements.push(s);
    }
    if !statements.is_empty() {
        y.push_str("      Policies:\n        - Version: \"2012-10-17\"\n          Statement:\n");
        for s in statements {
            y.push_str(&s);
        }
    }
    match t.delivery {
        Delivery::Schedule | Delivery::Poll => {
            let expr = t
                .schedule_expression
                .clone()
                .unwrap_or_else(|| "rate(1 day)".to_owned());
            y.push_str("      Events:\n        Schedule:\n          Type: ScheduleV2\n          Properties:\n");
            let _ = writeln!(y, "            ScheduleExpression: {}", q(&expr));
            if let Some(z) = &t.timezone {
                let _ = writeln!(y, "            ScheduleExpressionTimezone: {}", q(z));
            }
        }
        Delivery::Http => {
            y.push_str("      FunctionUrlConfig:\n        AuthType: NONE\n");
        }
        Delivery::S3 => {
            y.push_str("      Events:\n        Upload:\n          Type: S3\n          Properties:\n            Bucket: !Ref UploadBucket\n            Events: s3:ObjectCreated:*\n");
        }
        Delivery::Sqs => {
            y.push_str("      Events:\n        Queue:\n          Type: SQS\n          Properties:\n            Queue: !Ref QueueArn\n            BatchSize: 10\n            FunctionResponseTypes:\n              - ReportBatchItemFailures\n");
        }
        Delivery::Kinesis => {
            y.push_str("      Events:\n        Stream:\n          Type: Kinesis\n          Properties:\n            Stream: !Ref StreamArn\n            StartingPosition: LATEST\n            BatchSize: 100\n            FunctionResponseTypes:\n              - ReportBatchItemFailures\n");
        }
        Delivery::Direct => {}
    }
    if t.delivery == Delivery::S3 {
        y.push_str("\n  UploadBucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref UploadBucketName\n");
    }
    y.push_str("\nOutputs:\n  FunctionArn:\n    Value: !GetAtt WorkflowFunction.Arn\n");
    if t.delivery == Delivery::Http {
        y.push_str("  WebhookUrl:\n    Description: \"Give this URL to the sending service\"\n    Value: !GetAtt WorkflowFunctionUrl.FunctionUrl\n");
    }
    y
}

/// A short README for the bundle.
pub(crate) fn readme(plan: &Plan) -> String {
    let mut r = format!("# {}\n\n{}\n\n", plan.name, plan.summary);
    r.push_str("## Files\n\n- `lambda_function.py`: the function (handler `lambda_function.lambda_handler`)\n- `requirements.txt`: packages to install with the function\n- `template.yaml`: AWS SAM template\n\n");
    r.push_str("## Deploy\n\n```sh\nsam build\nsam deploy --guided\n```\n\n");
    let placeholders = plan.placeholders();
    if !placeholders.is_empty() {
        r.push_str("`sam deploy --guided` asks for these values (store secrets in AWS Secrets Manager for production):\n\n");
        for p in &placeholders {
            let _ = writeln!(r, "- `{p}`");
        }
        r.push('\n');
    }
    if !plan.assumptions.is_empty() {
        r.push_str("## Assumptions\n\n");
        for a in &plan.assumptions {
            let _ = writeln!(r, "- {a}");
        }
    }
    r
}
