//! HTML page helpers. Everything that came from configuration or a request is escaped
//! with [`escape`] (element text and attribute values) or [`js_string`] (inline scripts).

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A JavaScript string literal that is safe inside an inline `<script>` element.
pub fn js_string(s: &str) -> String {
    let json = serde_json::Value::String(s.to_string()).to_string();
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A complete HTML document. `title` is escaped; `body` is inserted as HTML.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}</title>\
         <style>body{{font-family:sans-serif;margin:2em;max-width:60em}}\
         button{{padding:.4em 1.2em;margin:.3em}}form{{display:inline}}\
         .error{{color:#b00}}</style></head>\n<body>\n{}\n</body></html>\n",
        escape(title),
        body
    )
}

/// A hidden form field.
pub fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        escape(name),
        escape(value)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<img src=x onerror="alert(1)">&'"#),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn script_strings_cannot_close_the_script() {
        let s = js_string("</script><b>\"x\"");
        assert!(!s.contains('<'));
        assert!(s.starts_with('"') && s.ends_with('"'));
        assert!(s.contains("\\\"x\\\""));
    }
}
