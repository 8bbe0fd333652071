"""Writes the inputs of cases-analyze.toml that hold bytes awkward to keep by hand (gzip,
UTF-16, NUL, control characters, a 100 KB label). Run from this folder; deterministic."""
import gzip, os

def put(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(folder, name), mode, **({} if mode == "wb" else {"newline": ""})) as f:
        f.write(data)

plain = "g,pay\na,100\na,250\nb,400\nb,975.5\n"
put("analyze-stdin", "payroll.csv", plain)
put("analyze-dev-stdin", "payroll.csv", plain)
import shutil
os.makedirs("analyze-stdin-parquet", exist_ok=True)
shutil.copy("analyze-parquet-pay-float32/payroll.parquet", "analyze-stdin-parquet/data.bin")
put("analyze-dev-zero", "README", "payroll.csv is a link to /dev/zero, made by the case\n")
put("analyze-fifo", "README", "payroll.csv is a FIFO no one writes to, made by the case\n")
put("analyze-stdin-nul", "zeros.bin", b"\0" * (2 << 20))
put("analyze-long-label", "payroll.csv", "g,pay\n" + "A" * 100_000 + ",100\nb,200\n")
put("analyze-duplicate-column", "payroll.csv", "pay,g,pay\n100,a,5\n200,b,6\n")
put("analyze-duplicate-other-column", "payroll.csv", "pay,x,x\n100,a,5\n200,b,6\n")
put("analyze-polars-renamed-column", "payroll.csv", "pay,pay\n100,5\n200,6\n")
put("analyze-minimum-overflow", "payroll.csv", plain)
put("analyze-caps-overflow", "payroll.csv", "pay\n1e300\n2e300\n")
put("analyze-short-row", "payroll.csv", "g,pay\na,100\n200\nb,300\n")
put("analyze-short-and-long-rows", "payroll.csv", "g,pay\na,100\n200\nb,300,7\nc,1\n")
put("analyze-duplicate-caps", "payroll.csv", plain)
put("analyze-trailing-blank-line", "payroll.csv", plain + "\n")
put("analyze-crlf-trailing-blank-line", "payroll.csv", plain.replace("\n", "\r\n") + "\r\n")
put("analyze-blank-lines-inside", "payroll.csv", "g,pay\na,100\n\n\nb,x\n")
put("analyze-ragged-quoted", "payroll.csv", 'g,pay\n"a\nb",100\nc,1,2\n')
put("analyze-space-in-number", "payroll.csv", "g,pay\na,100 \nb, 250\n")
put("analyze-number-with-text", "payroll.csv", "g,pay\na,100\nb,25 0\n")
put("analyze-stray-quote", "payroll.csv", 'g,pay\na,100\nb,2"50\n')
put("analyze-unclosed-quote", "payroll.csv", 'g,pay\na,100\n"b,250\nc,300\n')
put("analyze-group-all-dropped", "payroll.csv", "g,pay\na,100\na,250\nvolunteers,0\nvolunteers,-1\n")
put("analyze-header-line-break", "payroll.csv", 'g,"pa\ny"\na,100\n')
put("analyze-cr-only", "payroll.csv", plain.replace("\n", "\r"))
put("analyze-utf16", "payroll.csv", ("\ufeff" + plain).encode("utf-16-le"))
put("analyze-control-label", "payroll.csv", "g,pay\n\x1b[31mred\x07,100\nb\x01,200\n")
put("analyze-gzip", "payroll.csv", gzip.compress(plain.encode(), mtime=0))
put("analyze-300-digits", "payroll.csv", "pay\n100\n" + "9" * 300 + "x\n")
put("analyze-binary-csv", "payroll.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
