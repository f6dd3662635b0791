// Sortable tables: click a column header to sort by it (numbers as numbers). Served by the app.
document.querySelectorAll("table.sortable").forEach((table) => {
  table.querySelectorAll("th").forEach((header, column) => {
    let ascending = true;
    header.addEventListener("click", () => {
      const body = table.tBodies[0];
      const value = (row) => {
        const text = row.cells[column].innerText.trim().replace("%", "");
        const number = parseFloat(text.replace(/,/g, ""));
        return isNaN(number) ? text : number;
      };
      const rows = Array.from(body.rows).sort((a, b) => {
        const x = value(a), y = value(b);
        const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh");
        return ascending ? order : -order;
      });
      ascending = !ascending;
      rows.forEach((row) => body.appendChild(row));
    });
  });
});
