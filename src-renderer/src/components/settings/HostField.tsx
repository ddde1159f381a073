import { useState } from 'react';

const LOCAL = '127.0.0.1';
const LAN = '0.0.0.0';

type Mode = 'local' | 'lan' | 'custom';

interface HostFieldProps {
  id: string;
  value: string;
  onChange(value: string): void;
}

/** The two common choices as one click each, with the raw address still editable. */
export function HostField({ id, value, onChange }: HostFieldProps) {
  // "Custom" stays chosen after clicking it even while the text still reads a preset.
  const [customChosen, setCustomChosen] = useState(false);
  const trimmed = value.trim();
  const mode: Mode = customChosen ? 'custom' : trimmed === LOCAL ? 'local' : trimmed === LAN ? 'lan' : 'custom';

  const choose = (next: Mode) => {
    setCustomChosen(next === 'custom');
    if (next === 'local') onChange(LOCAL);
    if (next === 'lan') onChange(LAN);
    if (next === 'custom') document.getElementById(id)?.focus();
  };

  return (
    <div className="host-field">
      <div className="segmented" role="radiogroup" aria-label="Who can reach the studio">
        <Choice mode="local" current={mode} onChoose={choose} label="This machine only" detail={LOCAL} />
        <Choice mode="lan" current={mode} onChoose={choose} label="LAN" detail={LAN} />
        <Choice mode="custom" current={mode} onChoose={choose} label="Custom" detail="one address" />
      </div>
      <input
        id={id}
        className="input input-mono"
        data-testid="setting-host"
        type="text"
        spellCheck={false}
        autoComplete="off"
        value={value}
        onChange={(event) => {
          const next = event.target.value.trim();
          setCustomChosen(next !== LOCAL && next !== LAN);
          onChange(event.target.value);
        }}
      />
    </div>
  );
}

interface ChoiceProps {
  mode: Mode;
  current: Mode;
  label: string;
  detail: string;
  onChoose(mode: Mode): void;
}

function Choice({ mode, current, label, detail, onChoose }: ChoiceProps) {
  const checked = mode === current;
  return (
    <button
      type="button"
      role="radio"
      aria-checked={checked}
      className="segment"
      data-testid={`setting-host-${mode}`}
      onClick={() => onChoose(mode)}
    >
      <span className="segment-label">{label}</span>
      <span className="segment-detail">{detail}</span>
    </button>
  );
}
