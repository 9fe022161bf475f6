package io.sluice.simulator.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * CSV (or any single-character delimiter) traces. With a header, fields are named by column title;
 * without, by 0-based column number. Quoting follows RFC 4180 within a line: a field may be wrapped
 * in double quotes, inside which the delimiter is literal and {@code ""} is one quote. A record may
 * not span lines. Lines starting with {@code #} are comments.
 */
final class CsvLineParser extends TraceLineParser {
    private final char delimiter;
    private final boolean hasHeader;
    private final List<String> cells = new ArrayList<>();
    private int timeColumn = -1;
    private int deviceColumn = -1;
    private int typeColumn = -1;
    private int sizeColumn = -1;
    private int demandColumn = -1;

    CsvLineParser(TraceFields fields, TraceTimeUnit unit, MessageTypes types, char delimiter, boolean hasHeader) {
        super(fields, unit, types);
        this.delimiter = delimiter;
        this.hasHeader = hasHeader;
        if (!hasHeader) {
            timeColumn = column(fields.time());
            deviceColumn = column(fields.device());
            typeColumn = column(fields.type());
            sizeColumn = column(fields.size());
            demandColumn = column(fields.serviceDemand());
        }
    }

    private static int column(String name) {
        return name == null ? -1 : Integer.parseInt(name.trim());
    }

    @Override
    boolean header(String line) throws BadLine {
        if (!hasHeader) {
            return false;
        }
        split(line);
        List<String> titles = new ArrayList<>(cells.size());
        for (String c : cells) {
            titles.add(c.trim());
        }
        timeColumn = find(titles, fields.time(), true);
        deviceColumn = find(titles, fields.device(), true);
        typeColumn = find(titles, fields.type(), fields.typeExplicit());
        sizeColumn = find(titles, fields.size(), fields.sizeExplicit());
        demandColumn = find(titles, fields.serviceDemand(), fields.demandExplicit());
        return true;
    }

    private static int find(List<String> titles, String name, boolean required) throws BadLine {
        if (name == null) {
            return -1;
        }
        int i = titles.indexOf(name);
        if (i < 0 && required) {
            throw new BadLine(name, "the header has no such column (columns: " + String.join(", ", titles)
                    + "); name the column under fields:");
        }
        return i;
    }

    @Override
    void parse(String line, TraceRecord into) throws BadLine {
        split(line);
        fill(into, cell(timeColumn, fields.time(), true), cell(deviceColumn, fields.device(), true),
                cell(typeColumn, fields.type(), false), cell(sizeColumn, fields.size(), false),
                cell(demandColumn, fields.serviceDemand(), false));
    }

    private String cell(int column, String name, boolean required) throws BadLine {
        if (column < 0) {
            return null;
        }
        if (column >= cells.size()) {
            if (required) {
                throw new BadLine(name, "missing: the line has " + cells.size() + " columns");
            }
            return null;
        }
        return cells.get(column);
    }

    private void split(String line) throws BadLine {
        cells.clear();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == delimiter) {
                cells.add(cell.toString());
                cell.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && cell.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new BadLine(null, "unbalanced double quote");
        }
        cells.add(cell.toString());
    }
}
