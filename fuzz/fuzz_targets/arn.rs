//! ARNs typed by the user or found in a selection, and the console page they lead to.
//!
//! Properties: an accepted ARN prints back as text that parses to the same ARN; its fields
//! obey the documented shapes; its console page is `https` on a console host of the ARN's
//! own partition whatever the resource holds and whatever default region is given; an ARN
//! found in a text is a piece of that text.
#![no_main]

use jit_console::core::arn::{Arn, MAX_ARN_LEN};
use jit_console::core::aws;
use jit_console::core::consoles::Destination;
use jit_console_fuzz::{assert_aws_url, partition};
use libfuzzer_sys::fuzz_target;

/// The input: one byte (bit 7: build the ARN from parts; the rest picks partitions), then
/// lines: the text (or, shaped, service / account / resource), and the default region last.
struct Input {
    text: String,
    region: String,
    portal: u8,
    /// Build `arn:<partition>:<service>:<region>:<account>:<resource>` from parts instead.
    shaped: Option<(u8, String, String, String)>,
}

impl Input {
    fn read(data: &[u8]) -> Option<Input> {
        let (&flags, rest) = data.split_first()?;
        let text = jit_console_fuzz::text(rest);
        let lines: Vec<&str> = text.split('\n').collect();
        let line = |i: usize| lines.get(i).copied().unwrap_or_default().to_owned();
        let shaped = (flags & 0x80 != 0).then(|| (flags & 0x0f, line(0), line(1), line(2)));
        Some(Input {
            text: line(0),
            region: lines.last().copied().unwrap_or_default().to_owned(),
            portal: (flags >> 4) & 0x07,
            shaped,
        })
    }
}

fn check(arn: &Arn, default_region: &str) {
    let printed = arn.to_string();
    assert_eq!(Arn::parse(&printed).as_ref(), Ok(arn), "{printed}");
    assert!(printed.chars().count() <= MAX_ARN_LEN);
    assert!(
        !arn.service.is_empty()
            && arn
                .service
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    );
    assert!(
        arn.region.is_empty()
            || (aws::is_valid_region(&arn.region)
                && aws::Partition::from_region(&arn.region) == arn.partition)
    );
    assert!(
        arn.account.is_empty()
            || arn.account == "aws"
            || (arn.account.len() == 12 && arn.account.bytes().all(|b| b.is_ascii_digit()))
    );
    assert!(!arn.resource.is_empty());
    let page = arn.console_url(default_region);
    assert_aws_url(&page, arn.partition, "ARN page");
    let host = url::Url::parse(&page)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    assert!(
        aws::is_console_host(&host, arn.partition),
        "{page} is not a console host"
    );
    // Stored and sent as its text.
    let json = serde_json::to_string(arn).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(serde_json::from_str::<Arn>(&json).ok().as_ref(), Some(arn));
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = Input::read(data) else {
        return;
    };
    let text = match &input.shaped {
        Some((p, service, account, resource)) => format!(
            "arn:{}:{service}:{}:{account}:{resource}",
            partition(*p).name(),
            input.region
        ),
        None => input.text.clone(),
    };
    if let Ok(arn) = Arn::parse(&text) {
        check(&arn, &input.region);
        // The portal side: the same ARN as a console destination.
        let portal = partition(input.portal);
        let destination = Destination::Arn { arn: text.clone() };
        match destination.url(portal, &input.region) {
            Ok(url) => {
                assert_eq!(arn.partition, portal);
                assert_aws_url(&url, portal, "ARN destination");
            }
            Err(_) => assert_ne!(
                arn.partition, portal,
                "a valid ARN of the portal's partition was refused"
            ),
        }
    }
    if let Some(found) = Arn::find_in(&text) {
        check(&found, &input.region);
        assert!(
            text.contains(&found.to_string()),
            "found {found} which is not in the text"
        );
    }
});
