import { useId } from 'react';
import { useTheme, type ThemeChoice } from '@/lib/theme';

const choices: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Three radio buttons styled as one segmented control: arrow keys move between them, as with any radio group. */
export function ThemeToggle({ className }: { className?: string }) {
  const [choice, setChoice] = useTheme();
  const name = useId();
  return (
    <fieldset className={`theme-toggle${className ? ` ${className}` : ''}`}>
      <legend className="theme-toggle-legend">Theme</legend>
      <div className="theme-toggle-options">
        {choices.map((c) => (
          <label key={c.value} className={`theme-option${choice === c.value ? ' checked' : ''}`}>
            <input type="radio" name={name} value={c.value} checked={choice === c.value} onChange={() => setChoice(c.value)} />
            {c.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
