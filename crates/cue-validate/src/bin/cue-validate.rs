//! `cue-validate FILE...`: validate Python files for AWS Lambda from the command line.
//!
//! Prints `path:line:col: RULE severity: message` per finding (or JSON with `--format json`) and
//! exits with 1 when any error was found, 2 on a usage or I/O error, 0 otherwise.

use std::io::Write;
use std::process::ExitCode;

use cue_validate::{Options, PythonVersion, Report, Stage, validate_bytes};

const USAGE: &str = "\
usage: cue-validate [OPTIONS] FILE...

Validate Python source files destined for AWS Lambda.

options:
  --stage STAGE          initial_skeleton (default) or final_with_credentials
  --python VERSION       target Python: 3.10 .. 3.14 (default 3.13; python3.13 also accepted)
  --handler NAME         handler function name (default lambda_handler; module.function accepted)
  --no-handler           do not require a handler (helper modules)
  --requirements FILE    the bundle's requirements.txt
  --local-module NAME    a module shipped in the same bundle (repeatable)
  --max-bytes N          reject files larger than N bytes (default 1048576)
  --format FORMAT        text (default) or json
  --list-rules           print the rule catalogue and exit
  -h, --help             print this help

exit status: 0 no errors, 1 errors found, 2 usage or I/O error";

enum Format {
    Text,
    Json,
}

struct Args {
    options: Options,
    format: Format,
    files: Vec<String>,
    list_rules: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut options = Options::default();
    let mut format = Format::Text;
    let mut files = Vec::new();
    let mut list_rules = false;
    let mut requirements_file = None;
    let mut only_files = false;
    while let Some(arg) = args.next() {
        if only_files || !arg.starts_with('-') || arg == "-" {
            files.push(arg);
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--" => only_files = true,
            "--stage" => {
                options.stage = value("--stage")?
                    .parse::<Stage>()
                    .map_err(|e| e.to_string())?;
            }
            "--python" => {
                options.python_version = value("--python")?
                    .parse::<PythonVersion>()
                    .map_err(|e| e.to_string())?;
            }
            "--handler" => {
                options = options
                    .with_handler(&value("--handler")?)
                    .map_err(|e| e.to_string())?;
            }
            "--no-handler" => options = options.without_handler(),
            "--requirements" => requirements_file = Some(value("--requirements")?),
            "--local-module" => options.local_modules.push(value("--local-module")?),
            "--max-bytes" => {
                options.max_input_bytes = value("--max-bytes")?
                    .parse()
                    .map_err(|_| "--max-bytes needs a number".to_owned())?;
            }
            "--format" => {
                format = match value("--format")?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    other => return Err(format!("unknown format {other:?} (text or json)")),
                };
            }
            "--list-rules" => list_rules = true,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if let Some(path) = requirements_file {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        options.requirements = Some(text);
    }
    if files.is_empty() && !list_rules {
        return Err("no input files".to_owned());
    }
    Ok(Some(Args {
        options,
        format,
        files,
        list_rules,
    }))
}

fn print_text(out: &mut impl Write, path: &str, report: &Report) -> std::io::Result<()> {
    for f in &report.findings {
        writeln!(
            out,
            "{path}:{}:{}: {} {}: {}",
            f.line, f.column, f.rule, f.severity, f.message
        )?;
        if let Some(suggestion) = &f.suggestion {
            writeln!(out, "    help: {suggestion}")?;
        }
    }
    if report.truncated {
        writeln!(
            out,
            "{path}: {} findings not shown (limit reached)",
            report.error_count + report.warning_count + report.info_count - report.findings.len()
        )?;
    }
    Ok(())
}

fn json_line(value: &impl serde::Serialize) -> String {
    // Serialising our own plain data types cannot fail; fall back to an empty object.
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
}

fn run() -> Result<bool, String> {
    let Some(args) = parse_args(std::env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(true);
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let io = |e: std::io::Error| e.to_string();
    if args.list_rules {
        for rule in cue_validate::rules() {
            writeln!(
                out,
                "{} {:<26} {:<7} {}",
                rule.code, rule.name, rule.severity, rule.summary
            )
            .map_err(io)?;
        }
        return Ok(true);
    }
    let mut clean = true;
    let mut reports = Vec::new();
    for path in &args.files {
        let bytes = if path == "-" {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
                .map_err(|e| format!("stdin: {e}"))?;
            buf
        } else {
            std::fs::read(path).map_err(|e| format!("{path}: {e}"))?
        };
        let report = validate_bytes(&bytes, &args.options).map_err(|e| format!("{path}: {e}"))?;
        clean &= report.is_valid;
        match args.format {
            Format::Text => print_text(&mut out, path, &report).map_err(io)?,
            Format::Json => reports.push(serde_json::json!({ "path": path, "report": report })),
        }
    }
    if let Format::Json = args.format {
        writeln!(out, "{}", json_line(&reports)).map_err(io)?;
    }
    Ok(clean)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("cue-validate: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
